import { BUG_ON, KernelBug } from '../bug.js';
import type { Kernel } from '../Kernel.js';
import { READ, WRITE } from '../sched/Access.js';
import { stableObject, type FootprintLog } from '../sched/Footprint.js';
import type { KGen, Task } from '../sched/Task.js';
import { pageDataObject, type Page } from './Page.js';
import type { PageData } from './PageData.js';

/**
 * A swap slot: the swap count (ptes referencing it), SWAP_HAS_CACHE, and the data written out.
 * Reads and writes are logged in the running step's footprint (one object per entry): swap counts
 * decide reuse in do_swap_page and do_wp_page, and are read by tasks holding different PTLs.
 */
export class SwapSlot {
  private _count = 0;
  private _cache: Page | null = null;
  private _data: PageData | null = null;
  private _reading = false;

  constructor(
    private readonly dev: SwapDevice,
    readonly entry: number,
  ) {}

  get count(): number {
    this.dev.touch(this.entry, false);
    return this._count;
  }
  set count(v: number) {
    this.dev.touch(this.entry, true);
    this._count = v;
  }
  get cache(): Page | null {
    this.dev.touch(this.entry, false);
    return this._cache;
  }
  set cache(v: Page | null) {
    this.dev.touch(this.entry, true);
    this._cache = v;
  }
  get data(): PageData | null {
    this.dev.touch(this.entry, false);
    return this._data;
  }
  set data(v: PageData | null) {
    this.dev.touch(this.entry, true);
    this._data = v;
  }
  /**
   * A read from the device into the swap-cache page is in flight (!PageUptodate): until
   * end_swap_bio_read() the page holds nothing yet, and what the memory holds is the slot's data.
   */
  get reading(): boolean {
    this.dev.touch(this.entry, false);
    return this._reading;
  }
  set reading(v: boolean) {
    this.dev.touch(this.entry, true);
    this._reading = v;
  }
}

/** The swap device's allocator (get_swap_page()): entry numbers are handed out in order. */
const SWAP_ALLOCATOR = stableObject(6, 1, 0);

/**
 * The kind of device behind swap. `disk`: a block device; swap_readpage() submits a bio and the page
 * stays locked until end_swap_bio_read() unlocks it from the completion, so whoever faults on it
 * meanwhile finds it locked (lock_page_or_retry()). `zram`: a memory-backed device that completes a
 * read inside swap_readpage() (bdev_read_page() -> ->rw_page, 3.15) and is SWP_SYNCHRONOUS_IO
 * (0bcac06f27d7, 4.15), which lets do_swap_page() skip the swap cache.
 */
export type SwapDeviceKind = 'disk' | 'zram';

/** The swap device: slots by entry number. */
export class SwapDevice {
  readonly slots = new Map<number, SwapSlot>();
  private next = 1;

  constructor(
    private readonly sched: { readonly fp: FootprintLog | null } | null = null,
    readonly kind: SwapDeviceKind = 'disk',
  ) {}

  /** si->flags & SWP_SYNCHRONOUS_IO: reads complete in the caller's context. */
  get synchronousIo(): boolean {
    return this.kind === 'zram';
  }

  touch(entry: number, write: boolean): void {
    const fp = this.sched?.fp;
    if (fp) fp.touch(stableObject(6, 0, entry) * 4 + (write ? WRITE : READ));
  }

  alloc(): number {
    const fp = this.sched?.fp;
    if (fp) fp.touch(SWAP_ALLOCATOR * 4 + WRITE);
    const e = this.next++;
    this.touch(e, true);
    this.slots.set(e, new SwapSlot(this, e));
    return e;
  }

  slot(entry: number): SwapSlot {
    const s = this.slots.get(entry);
    if (s === undefined) {
      this.touch(entry, false);
      throw new KernelBug(`bad swap entry ${entry}`);
    }
    return s;
  }

  /** Free the slot once neither a pte nor the swap cache refers to it. */
  maybeFree(entry: number): void {
    const s = this.slots.get(entry);
    if (s !== undefined && s.count === 0 && s.cache === null) {
      this.touch(entry, true);
      this.slots.delete(entry);
    }
  }
}

/** page_swapcount(): how many swap ptes still refer to the page's slot. */
export function page_swapcount(k: Kernel, page: Page): number {
  return page.swapcache ? k.swap.slot(page.swapEntry).count : 0;
}

/** add_to_swap(): give the page a slot and put it in the swap cache (which takes a reference). */
export function add_to_swap(k: Kernel, page: Page): void {
  BUG_ON(page.swapcache, `${page} already in swap cache`);
  const e = k.swap.alloc();
  k.swap.slot(e).cache = page;
  page.swapcache = true;
  page.swapEntry = e;
  page.dirty = true;
  k.get_page(page);
}

/** delete_from_swap_cache(): drop the cache's reference; the slot goes once no pte needs it. */
export function delete_from_swap_cache(k: Kernel, page: Page): void {
  BUG_ON(!page.swapcache, `${page} not in swap cache`);
  const e = page.swapEntry;
  k.swap.slot(e).cache = null;
  page.swapcache = false;
  page.swapEntry = 0;
  k.swap.maybeFree(e);
  k.put_page(page);
}

/** swap_duplicate(): one more pte refers to the slot (fork copying a swap pte, or unmapping). */
export function swap_duplicate(k: Kernel, entry: number): void {
  k.swap.slot(entry).count++;
}

/** swap_free(): a swap pte went away. */
export function swap_free(k: Kernel, entry: number): void {
  const s = k.swap.slot(entry);
  if (s.count <= 0) throw new KernelBug(`swap_free: slot ${entry} count underflow`);
  s.count--;
  k.swap.maybeFree(entry);
}

/** lookup_swap_cache(): the cached page, with a reference for the caller. */
export function lookup_swap_cache(k: Kernel, entry: number): Page | null {
  const p = k.swap.slot(entry).cache;
  if (p !== null) k.get_page(p);
  return p;
}

/**
 * reuse_swap_page() as in 2.6.32 (mm/swapfile.c), the mapcount-based reuse test: the page may be
 * written in place if at most one pte maps it or refers to its swap slot. GUP references are not
 * counted, which is bug 2 of the 2009 thread. Called with the page locked.
 */
export function reuse_swap_page(k: Kernel, page: Page): boolean {
  let count = page.mapcount;
  if (count <= 1 && page.swapcache) {
    count += page_swapcount(k, page);
    if (count === 1) {
      delete_from_swap_cache(k, page);
      page.dirty = true;
    }
  }
  return count <= 1;
}

/** try_to_free_swap(): drop the page from the swap cache if no swap pte refers to it any more. */
export function try_to_free_swap(k: Kernel, page: Page): boolean {
  if (!page.swapcache) return false;
  if (page_swapcount(k, page) !== 0) return false;
  delete_from_swap_cache(k, page);
  page.dirty = true;
  return true;
}

/**
 * free_swap_and_cache(): a zapped swap pte. If that was the last pte referring to the slot and the
 * page is not mapped anywhere, it leaves the swap cache; whoever else holds it (GUP) frees it with
 * the last put_page().
 */
export function free_swap_and_cache(k: Kernel, entry: number): void {
  const s = k.swap.slot(entry);
  const page = s.cache;
  swap_free(k, entry);
  if (page !== null && s.count === 0 && page.mapcount === 0 && page.lock.owner === null) {
    delete_from_swap_cache(k, page);
    page.dirty = true;
  }
}

/** __read_swap_cache_async(): a new page joins the swap cache before it is read (one reference for it). */
export function add_to_swap_cache_fresh(k: Kernel, page: Page, entry: number): void {
  const s = k.swap.slot(entry);
  s.cache = page;
  page.swapcache = true;
  page.swapEntry = entry;
  page.anon = true;
  k.get_page(page);
}

/**
 * swap_readpage(): read the slot into a new, locked page. On a synchronous device (zram) the read
 * completes here and the page is unlocked before returning. On a disk the bio completes on the
 * device's context: end_swap_bio_read() fills the page and unlock_page()s it, however long after
 * the submitter went on (to lock_page_or_retry(), which then finds the page locked).
 */
export function* swap_readpage(k: Kernel, t: Task, page: Page, entry: number, fn: string): KGen<void> {
  const data = k.swap.slot(entry).data;
  if (k.swap.synchronousIo) {
    yield pageDataObject(page.obj, 0) * 4 + WRITE;
    if (data) page.data.copyFrom(data);
    // Synchronous (zram): the faulting thread does the read and waits for it.
    k.ioDone(t, true);
    page.lock.unlock(t);
    return;
  }
  k.swap.slot(entry).reading = true;
  const dev = k.sched.spawn(`dev.swap${entry}`, null, true, (d) => end_swap_bio_read(k, d, page, entry, data));
  // PG_locked belongs to no task: the completion, not the submitter, unlocks it.
  page.lock.owner = dev;
  k.tracing && k.log(t, fn, `submit_bio: read swap ${entry} into ${page} (locked until the read completes)`);
}

function* end_swap_bio_read(k: Kernel, dev: Task, page: Page, entry: number, data: PageData | null): KGen {
  yield pageDataObject(page.obj, 0) * 4 + WRITE;
  if (data) page.data.copyFrom(data);
  const s = k.swap.slots.get(entry);
  if (s !== undefined) s.reading = false;
  // The device's transfer: whoever waits on the page lock waits until it ends.
  k.ioDone(dev, false);
  k.tracing && k.log(dev, 'end_swap_bio_read', `swap ${entry} read into ${page}: unlock_page`);
  page.lock.unlock(dev);
}

/**
 * swapin (swapin_readahead() -> read_swap_cache_async()): find the page for a swap entry in the swap
 * cache, or allocate one, add it to the swap cache locked (__read_swap_cache_async()) and start the
 * read (swap_readpage()). Returns the page with a reference for the caller, possibly still locked
 * under I/O, or null when no page could be allocated. Shared by do_swap_page() and
 * shmem_swapin_folio(), as the kernel's swapin path is.
 */
export function* read_swap_cache_async(k: Kernel, t: Task, entry: number, anon: boolean, fn: string, what: string): KGen<Page | null> {
  let page = lookup_swap_cache(k, entry);
  if (page !== null) return page;
  const fresh = k.alloc_page();
  if (fresh === null) return null;
  page = lookup_swap_cache(k, entry);
  if (page !== null) {
    k.put_page(fresh);
    return page;
  }
  fresh.lock.trylock(t);
  add_to_swap_cache_fresh(k, fresh, entry);
  fresh.anon = anon;
  k.stats.swapIns++;
  k.tracing && k.log(t, fn, `${what}read swap ${entry} into ${fresh}`);
  yield* swap_readpage(k, t, fresh, entry, fn);
  return fresh;
}
