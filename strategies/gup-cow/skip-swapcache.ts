import type { Strategy } from '../../src/core/Strategy.js';

/**
 * 0bcac06f27d7 (4.15) "mm, swap: skip swapcache for swapin of synchronous device": on a
 * SWP_SYNCHRONOUS_IO device (zram, pmem) do_swap_page() reads a slot that only this pte refers to
 * (__swap_count(entry) == 1) into a new page outside the swap cache, synchronously, and maps it
 * as a fresh anonymous page. No effect on a disk. A building block of the timelines from 4.15 on.
 */
export const skipSwapcache: Strategy = {
  name: 'skip-swapcache',
  family: 'gup-cow',
  summary: 'swapin from a SWP_SYNCHRONOUS_IO device (zram) bypasses the swap cache (4.15)',
  refs: ['commit 0bcac06f27d7 (v4.15) mm, swap: skip swapcache for swapin of synchronous device'],
  standalone: false,
  hooks: {
    swapinSkipSwapcache: () => true,
  },
};
