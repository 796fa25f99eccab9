import { Mutex } from '../sched/Mutex.js';
import type { Scheduler } from '../sched/Scheduler.js';
import type { MmStruct } from './MmStruct.js';
import { PageData } from './PageData.js';
import { READ, WRITE } from '../sched/Access.js';
import { stableObject } from '../sched/Footprint.js';
import type { ShmemFile } from '../shmem/shmem.js';

/** include/linux/mm.h: a FOLL_PIN on a small page adds this much to its refcount. */
export const GUP_PIN_COUNTING_BIAS = 1024;

/** Bytes of a page's contents that are one object for partial-order reduction. */
export const DATA_GRANULE = 256;

/** The object standing for granule g of page `obj`'s contents (granules past the 125th share one). */
export function pageDataObject(obj: number, g: number): number {
  return stableObject(4, 1 + Math.min(g, 125), obj);
}

/** One place a page is mapped: the reverse map's answer to "who maps this page?". */
export interface RmapItem {
  mm: MmStruct;
  vpn: number;
}

/**
 * struct page (an order-0 folio). Counts follow the kernel's conventions: each pte mapping holds one
 * reference and one mapcount; the swap cache holds one reference; FOLL_GET adds one and FOLL_PIN adds
 * GUP_PIN_COUNTING_BIAS.
 */
export class Page {
  readonly obj: number;
  private _refcount = 1;
  private _mapcount = 0;
  /** PageAnon. */
  anon = false;
  private _swapcache = false;
  swapEntry = 0;
  private _anonExclusive = false;
  private _dirty = false;
  private _gupMarked = false;
  /** ZERO_PAGE: shared, read-only, never counted. */
  readonly zero: boolean;
  private _freed = false;
  /** page->mapping and page->index of a page-cache (shmem) page; the page cache holds one reference. */
  private _mapping: ShmemFile | null = null;
  index = 0;
  /** PG_locked. */
  readonly lock: Mutex;
  private readonly _rmap: RmapItem[] = [];
  readonly data: PageData;

  constructor(readonly sched: Scheduler, readonly pfn: number, pageSize: number, zero = false) {
    this.obj = sched.newObject();
    this.lock = new Mutex(sched, `page ${pfn} lock`);
    this.data = new PageData(pageSize, this);
    this.zero = zero;
  }

  /*
   * The counts and flags other CPUs change without the page table lock (gup_fast's reference, a
   * DMA completion's put_page, reuse_swap_page's checks) are read and written through accessors
   * that record the access for partial-order reduction (Scheduler.fp; a null check otherwise).
   */
  /** For footprints: a read (false) or write (true) of this page's state. */
  touch(write: boolean): void {
    const fp = this.sched.fp;
    if (fp !== null) fp.touch(this.obj * 4 + (write ? WRITE : READ));
  }

  /**
   * For footprints: bytes [lo, hi) of the page's contents read or written. The contents are
   * objects of their own, one per DATA_GRANULE bytes, apart from the struct page: a store into one
   * half of a page commutes with DMA into the other half and with a refcount change, as it does
   * on a real machine (Spin's model of bug 1 has one variable per chunk for the same reason).
   */
  touchData(write: boolean, lo: number, hi: number): void {
    const fp = this.sched.fp;
    if (fp === null) return;
    for (let g = Math.floor(lo / DATA_GRANULE), e = Math.ceil(hi / DATA_GRANULE); g < e; g++) {
      fp.touch(pageDataObject(this.obj, g) * 4 + (write ? WRITE : READ));
    }
  }

  get refcount(): number {
    this.touch(false);
    return this._refcount;
  }
  set refcount(v: number) {
    this.touch(true);
    this._refcount = v;
  }
  get mapcount(): number {
    this.touch(false);
    return this._mapcount;
  }
  set mapcount(v: number) {
    this.touch(true);
    this._mapcount = v;
  }
  /** PageSwapCache, with the entry it caches. */
  get swapcache(): boolean {
    this.touch(false);
    return this._swapcache;
  }
  set swapcache(v: boolean) {
    this.touch(true);
    this._swapcache = v;
  }
  /** PageAnonExclusive (5.19): only one mm can map this anon page. Kept by every kernel model; only some strategies consult it. */
  get anonExclusive(): boolean {
    this.touch(false);
    return this._anonExclusive;
  }
  set anonExclusive(v: boolean) {
    this.touch(true);
    this._anonExclusive = v;
  }
  get freed(): boolean {
    this.touch(false);
    return this._freed;
  }
  set freed(v: boolean) {
    this.touch(true);
    this._freed = v;
  }

  get dirty(): boolean {
    this.touch(false);
    return this._dirty;
  }
  set dirty(v: boolean) {
    this.touch(true);
    this._dirty = v;
  }
  /** The 2009 fork-copy patch's PG_gup: GUP touched this page since it was allocated. */
  get gupMarked(): boolean {
    this.touch(false);
    return this._gupMarked;
  }
  set gupMarked(v: boolean) {
    this.touch(true);
    this._gupMarked = v;
  }
  /** page->mapping (with page->index, set together): the shmem file whose page cache holds it. */
  get mapping(): ShmemFile | null {
    this.touch(false);
    return this._mapping;
  }
  set mapping(v: ShmemFile | null) {
    this.touch(true);
    this._mapping = v;
  }
  /** The reverse map (changed in place by callers: any access counts as a write). */
  get rmap(): RmapItem[] {
    this.touch(true);
    return this._rmap;
  }

  /** page_maybe_dma_pinned() for a small page. */
  get maybeDmaPinned(): boolean {
    return this.refcount >= GUP_PIN_COUNTING_BIAS;
  }

  toString(): string {
    return this.zero ? 'zero page' : `page ${this.pfn}`;
  }
}
