import type { Strategy } from '../../src/core/Strategy.js';

/**
 * Arcangeli's and Piggin's 2009 fix for bug 1: GUP (slow and fast path) marks the page it takes,
 * and fork copies a marked anonymous page into the child instead of sharing it, so the parent keeps
 * the page the device is writing. Does nothing for GUP that happens after fork (bug 2). Fork
 * write-protects the parent's pte before it tests the mark (fork_pre_cow() copies and makes the
 * parent's pte writable again), and gup_fast rechecks the pte after marking: whichever comes second
 * sees the other, so gup_fast cannot slip in between as it does before 57efa1fe5957.
 */
export const forkCopy: Strategy = {
  name: 'fork-copy',
  family: 'gup-cow',
  summary: 'GUP marks the page (PG_gup); fork copies marked anon pages instead of sharing them',
  refs: ['lkml 20091128185052.GB30235@random.random ("fix for bug 1")', 'Nick Piggin / Andrea Arcangeli fork-vs-gup patches, 2009'],
  hooks: {
    gupGrabbed: (_k, page) => {
      if (page.anon) page.gupMarked = true;
    },
    forkMustCopy: (_k, page) => page.gupMarked,
    forkWrprotectFirst: () => true,
  },
};
