import type { Strategy } from '../../src/core/Strategy.js';
import { try_to_free_swap } from '../../src/core/mm/swap.js';

/**
 * 53a05ad9f21d (5.18) "mm: optimize do_wp_page() for exclusive pages in the swapcache": page_count
 * reuse as in 09854ba94c6a, but a reference the swap cache holds no longer forces a copy: under the
 * page lock the page leaves the swap cache if no swap pte needs it, and is reused if then only our
 * mapping holds it. A building block of the 5.18 timeline; not run on its own.
 */
export const refcountReuseSwapcache: Strategy = {
  name: 'refcount-reuse-swapcache',
  family: 'gup-cow',
  summary: 'page_count reuse that first drops an unneeded swap cache reference (5.18)',
  refs: ['commit 53a05ad9f21d (v5.18)', 'lkml 2022-01-26 David Hildenbrand, reported by Liang Zhang and Nadav Amit'],
  standalone: false,
  hooks: {
    wpReuse: (k, page) => {
      if (page.refcount > 1 + (page.swapcache ? 1 : 0)) return false;
      if (page.swapcache) try_to_free_swap(k, page);
      return page.refcount === 1;
    },
  },
};
