import type { Strategy } from '../../src/core/Strategy.js';

/**
 * feb889fb40fa "mm: don't put pinned pages into the swap cache": shrink_page_list() skips anonymous
 * pages that page_maybe_dma_pinned() says may be pinned. Racy (a pin may come after the check) and
 * blind to FOLL_GET. A building block of the 5.18 timeline; not run on its own.
 */
export const reclaimSkipPinned: Strategy = {
  name: 'reclaim-skip-pinned',
  family: 'gup-cow',
  summary: 'reclaim does not add maybe-pinned anon pages to the swap cache',
  refs: ['commit feb889fb40fa'],
  standalone: false,
  hooks: {
    reclaimMayAddToSwap: (_k, page) => !page.maybeDmaPinned,
  },
};
