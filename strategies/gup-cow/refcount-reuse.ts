import type { Strategy } from '../../src/core/Strategy.js';

/**
 * Fix A of the 2009 thread, merged as 09854ba94c6a (5.9) "mm: do_wp_page() simplification": reuse
 * an anonymous page on a write fault only if page_count() == 1, so a GUP reference (or the swap
 * cache's) forces a copy. do_swap_page() keeps the mapcount-based reuse_swap_page() until 5.18.
 * Andrea's caveat: a GUP'd page that reclaim moved to the swap cache is copied on the next write
 * fault, and the DMA lands in the old page.
 */
export const refcountReuse: Strategy = {
  name: 'refcount-reuse',
  family: 'gup-cow',
  summary: 'do_wp_page reuses an anon page only if page_count == 1 (no GUP, no swap cache ref)',
  refs: ['lkml 20091128185052.GB30235@random.random ("fix A for bug 2")', 'commit 09854ba94c6a (v5.9)'],
  hooks: {
    wpReuse: (_k, page) => page.refcount === 1,
  },
};
