import type { Strategy } from '../../src/core/Strategy.js';
import { FAULT_FLAG_WRITE } from '../../src/core/mm/flags.js';
import { delete_from_swap_cache, page_swapcount } from '../../src/core/mm/swap.js';

/**
 * c145e0b47c77 (5.18) "mm: streamline COW logic in do_swap_page()": a write fault on a swap pte
 * maps the page writable only if, after dropping it from the swap cache when no other swap pte
 * refers to it, page_count() == 1; otherwise it is mapped R/O and do_wp_page() decides.
 * A building block of the 5.18 timeline; not run on its own.
 */
export const swapinRefcount: Strategy = {
  name: 'swapin-refcount',
  family: 'gup-cow',
  summary: 'do_swap_page reuses only if page_count == 1 after freeing the swap cache (5.18)',
  refs: ['commit c145e0b47c77 (v5.18)'],
  standalone: false,
  hooks: {
    swapinReuse: (k, page, f) => {
      if (!(f.flags & FAULT_FLAG_WRITE)) return false;
      // should_try_to_free_swap(): our pte's swap reference is about to go (swap_free).
      if (page.swapcache && page.refcount === 2 && page_swapcount(k, page) === 1) delete_from_swap_cache(k, page);
      return page.refcount === 1;
    },
  },
};
