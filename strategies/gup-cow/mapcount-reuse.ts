import type { Strategy } from '../../src/core/Strategy.js';

/**
 * The original COW design: do_wp_page() and do_swap_page() reuse an anonymous page when at most one
 * pte maps it or refers to its swap slot (reuse_swap_page()); fork shares every anonymous page
 * read-only; GUP never breaks COW for a read. GUP references are invisible to the reuse test.
 */
export const mapcountReuse: Strategy = {
  name: 'mapcount-reuse',
  family: 'gup-cow',
  summary: 'reuse a COW page when mapcount (+ swapcount) is 1; fork always shares (2.6.32)',
  refs: ['lkml 20091128185052.GB30235@random.random (the 2009 thread: bugs 1 and 2)', 'mm/memory.c do_wp_page() in v2.6.32'],
  baseline: true,
  hooks: {},
};
