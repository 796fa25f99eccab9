import type { Strategy } from '../../src/core/Strategy.js';
import { FAULT_FLAG_WRITE, FOLL_PIN, FOLL_WRITE } from '../../src/core/mm/flags.js';
import { delete_from_swap_cache, page_swapcount, try_to_free_swap } from '../../src/core/mm/swap.js';
import { writeProtectSeq } from './fork-write-protect-seq.js';

/**
 * PageAnonExclusive (5.19): 6c287605fd56 + 1493a1913e34 + a7f226604170 and the rest of David
 * Hildenbrand's "COW fixes part 2". A fresh anon page is exclusive; fork clears the flag, or copies
 * the page if it may be pinned; the flag survives swap in the swap pte. A write fault reuses an
 * exclusive page at once, else only if page_count() == 1 after dropping the swap cache. Reclaim
 * refuses to unmap an exclusive page that may be pinned. An R/O FOLL_PIN of a non-exclusive page
 * first unshares it (FAULT_FLAG_UNSHARE). FOLL_GET is not covered: O_DIRECT kept using FOLL_GET
 * until it moved to FOLL_PIN. Fork clears PageAnonExclusive under the PTL, which gup_fast does not
 * take: the design relies on mm->write_protect_seq (57efa1fe5957, 5.11) to make a gup_fast pin that
 * overlaps fork back off, so it brings that hook along.
 */
export const anonExclusive: Strategy = {
  name: 'anon-exclusive',
  family: 'gup-cow',
  summary: 'PageAnonExclusive: reuse exclusive pages, unshare on R/O pin, copy pinned at fork (5.19)',
  refs: ['commit 6c287605fd56 (v5.19)', 'commit 1493a1913e34', 'commit a7f226604170', 'commit c145e0b47c77'],
  hooks: {
    wpReuse: (k, page) => {
      if (page.anonExclusive) return true;
      if (page.refcount > 1 + (page.swapcache ? 1 : 0)) return false;
      if (page.swapcache) try_to_free_swap(k, page);
      return page.refcount === 1;
    },
    swapinReuse: (k, page, f, swpExclusive) => {
      // should_try_to_free_swap(): a write fault frees the swap cache if only it and we hold the page.
      if (f.flags & FAULT_FLAG_WRITE && page.swapcache && page.refcount === 2 && page_swapcount(k, page) === 1) {
        delete_from_swap_cache(k, page);
      }
      return swpExclusive || page.refcount === 1;
    },
    forkMustCopy: (_k, page, src) => page.anonExclusive && src.hasPinned && page.maybeDmaPinned,
    gupMustUnshare: (_k, page, flags) => (flags & (FOLL_WRITE | FOLL_PIN)) === FOLL_PIN && page.anon && !page.anonExclusive,
    reclaimMayUnmap: (_k, page) => !(page.anonExclusive && page.maybeDmaPinned),
    writeProtectSeq,
  },
};
