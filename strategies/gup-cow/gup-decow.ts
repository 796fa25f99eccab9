import type { Strategy } from '../../src/core/Strategy.js';

/**
 * Fix B of the 2009 thread, merged as 17839856fd58 (5.8) and reverted in 5.9 (a308c71bf1e6): a GUP
 * on a COW mapping always breaks COW, even for read, so the GUP'd page is private to the caller;
 * gup_fast refuses read-only ptes and falls back to the slow path. Loses sharing (and the zero page)
 * for read GUP.
 */
export const gupDecow: Strategy = {
  name: 'gup-decow',
  family: 'gup-cow',
  summary: 'GUP breaks COW even for read (FOLL_WRITE forced on COW mappings)',
  refs: ['lkml 20091128185052.GB30235@random.random ("fix B for bug 2")', 'commit 17839856fd58 (v5.8)', 'revert a308c71bf1e6 (v5.9)'],
  hooks: {
    gupForceCowBreak: () => true,
  },
};
