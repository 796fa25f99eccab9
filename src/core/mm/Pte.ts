import type { Page } from './Page.js';

export const PTE_NONE = 0;
export const PTE_PRESENT = 1;
/** A swap entry (or migration entry): not present, points into the swap device. */
export const PTE_SWAP = 2;
/** A pte marker (5.19): a swap-type entry with no pfn, e.g. keeping uffd-wp on a zapped pte. */
export const PTE_MARKER = 3;

/**
 * One page table entry slot. `seq` changes on every write so that pte_same() is a number compare;
 * `obj` names the slot for the scheduler's access descriptors.
 */
export class Pte {
  kind = PTE_NONE;
  page: Page | null = null;
  write = false;
  dirty = false;
  young = false;
  /** _PAGE_UFFD_WP / pte_swp_uffd_wp / the marker's wp bit. */
  uffdWp = false;
  /** Swap entry when kind is PTE_SWAP. */
  swp = 0;
  /** pte_swp_exclusive (5.19): the page was exclusive when it was unmapped. */
  swpExclusive = false;
  seq = 0;

  constructor(readonly obj: number, readonly vpn: number) {}

  clear(): void {
    this.kind = PTE_NONE;
    this.page = null;
    this.write = this.dirty = this.young = this.uffdWp = this.swpExclusive = false;
    this.swp = 0;
    this.seq++;
  }

  setPresent(page: Page, write: boolean, dirty: boolean): void {
    this.kind = PTE_PRESENT;
    this.page = page;
    this.write = write;
    this.dirty = dirty;
    this.young = true;
    this.swp = 0;
    this.swpExclusive = false;
    this.seq++;
  }

  setSwap(entry: number, exclusive: boolean): void {
    this.kind = PTE_SWAP;
    this.page = null;
    this.write = this.dirty = this.young = false;
    this.swp = entry;
    this.swpExclusive = exclusive;
    this.seq++;
  }

  wrprotect(): void {
    this.write = false;
    this.seq++;
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
