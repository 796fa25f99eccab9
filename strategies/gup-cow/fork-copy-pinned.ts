import type { Strategy } from '../../src/core/Strategy.js';

/**
 * 70e806e4e645 (5.9) "mm: Do early cow for pinned pages during fork() for ptes": copy at fork only
 * when the mm has ever used FOLL_PIN and page_maybe_dma_pinned() (refcount >= 1024). FOLL_GET users
 * (vmsplice, O_DIRECT before its FOLL_PIN conversion) are not covered.
 */
export const forkCopyPinned: Strategy = {
  name: 'fork-copy-pinned',
  family: 'gup-cow',
  summary: 'fork copies anon pages that may be DMA-pinned (mm has_pinned && refcount >= 1024)',
  refs: ['commit 70e806e4e645 (v5.9)', 'commit 008cfe4418b3 "mm: Introduce mm_struct.has_pinned"'],
  hooks: {
    forkMustCopy: (_k, page, src) => src.hasPinned && page.maybeDmaPinned,
  },
};
