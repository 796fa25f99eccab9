import type { Page } from './Page.js';
import type { FootprintLog } from '../sched/Footprint.js';
import { READ, WRITE } from '../sched/Access.js';

export const PTE_NONE = 0;
export const PTE_PRESENT = 1;
/** A swap entry (or migration entry): not present, points into the swap device. */
export const PTE_SWAP = 2;
/** A pte marker (5.19): a swap-type entry with no pfn, e.g. keeping uffd-wp on a zapped pte. */
export const PTE_MARKER = 3;

/**
 * One page table entry slot. `seq` changes on every write so that pte_same() is a number compare;
 * `obj` names the slot for the scheduler's access descriptors.
 *
 * Every read and write of a field is logged in the running step's footprint, however the slot was
 * reached: by a walk (MmStruct.pte, PageTable.get) or through a reference saved by an earlier step
 * (vmf->pte kept across a sleep, an rmap walk, a fork copying the parent's table). Partial-order
 * reduction is only sound if no step reads a pte it does not log.
 */
export class Pte {
  private _kind = PTE_NONE;
  private _page: Page | null = null;
  private _write = false;
  private _dirty = false;
  private _young = false;
  private _uffdWp = false;
  private _swp = 0;
  private _swpExclusive = false;
  private _seq = 0;

  constructor(
    readonly obj: number,
    readonly vpn: number,
    private readonly fp: { readonly fp: FootprintLog | null } | null = null,
  ) {}

  private r(): void {
    const fp = this.fp?.fp;
    if (fp) fp.touch(this.obj * 4 + READ);
  }
  private w(): void {
    const fp = this.fp?.fp;
    if (fp) fp.touch(this.obj * 4 + WRITE);
  }

  get kind(): number {
    this.r();
    return this._kind;
  }
  set kind(v: number) {
    this.w();
    this._kind = v;
  }
  get page(): Page | null {
    this.r();
    return this._page;
  }
  set page(v: Page | null) {
    this.w();
    this._page = v;
  }
  get write(): boolean {
    this.r();
    return this._write;
  }
  set write(v: boolean) {
    this.w();
    this._write = v;
  }
  get dirty(): boolean {
    this.r();
    return this._dirty;
  }
  /*
   * The hardware sets the accessed and dirty bits on every access; setting a bit to the value it
   * already has changes nothing, so it is a read for partial-order reduction (two stores through
   * one pte then commute, as their bytes do). A set that changes the bit is a write, and it
   * conflicts with the read, so DPOR still tries the order where the bit was clear.
   */
  set dirty(v: boolean) {
    if (v === this._dirty) {
      this.r();
      return;
    }
    this.w();
    this._dirty = v;
  }
  get young(): boolean {
    this.r();
    return this._young;
  }
  set young(v: boolean) {
    if (v === this._young) {
      this.r();
      return;
    }
    this.w();
    this._young = v;
  }
  /** _PAGE_UFFD_WP / pte_swp_uffd_wp / the marker's wp bit. */
  get uffdWp(): boolean {
    this.r();
    return this._uffdWp;
  }
  set uffdWp(v: boolean) {
    this.w();
    this._uffdWp = v;
  }
  /** Swap entry when kind is PTE_SWAP. */
  get swp(): number {
    this.r();
    return this._swp;
  }
  set swp(v: number) {
    this.w();
    this._swp = v;
  }
  /** pte_swp_exclusive (5.19): the page was exclusive when it was unmapped. */
  get swpExclusive(): boolean {
    this.r();
    return this._swpExclusive;
  }
  set swpExclusive(v: boolean) {
    this.w();
    this._swpExclusive = v;
  }
  get seq(): number {
    this.r();
    return this._seq;
  }
  set seq(v: number) {
    this.w();
    this._seq = v;
  }

  clear(): void {
    this.w();
    this._kind = PTE_NONE;
    this._page = null;
    this._write = this._dirty = this._young = this._uffdWp = this._swpExclusive = false;
    this._swp = 0;
    this._seq++;
  }

  setPresent(page: Page, write: boolean, dirty: boolean): void {
    this.w();
    this._kind = PTE_PRESENT;
    this._page = page;
    this._write = write;
    this._dirty = dirty;
    this._young = true;
    this._swp = 0;
    this._swpExclusive = false;
    this._seq++;
  }

  setSwap(entry: number, exclusive: boolean): void {
    this.w();
    this._kind = PTE_SWAP;
    this._page = null;
    this._write = this._dirty = this._young = false;
    this._swp = entry;
    this._swpExclusive = exclusive;
    this._seq++;
  }

  wrprotect(): void {
    this.w();
    this._write = false;
    this._seq++;
  }

  describe(): string {
    switch (this.kind) {
      case PTE_NONE:
        return 'none';
      case PTE_PRESENT:
        return `${this.page} ${this.write ? 'rw' : 'ro'}${this.uffdWp ? ' uffd-wp' : ''}`;
      case PTE_SWAP:
        return `swap ${this.swp}${this.swpExclusive ? ' excl' : ''}${this.uffdWp ? ' uffd-wp' : ''}`;
      default:
        return `marker${this.uffdWp ? ' uffd-wp' : ''}`;
    }
  }
}
