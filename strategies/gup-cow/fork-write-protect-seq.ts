import type { Strategy } from '../../src/core/Strategy.js';

/**
 * 57efa1fe5957 (5.11) "mm/gup: prevent gup_fast from racing with COW during fork": since
 * 70e806e4e645 fork must not write-protect a page under FOLL_PIN, but gup_fast could pin the page
 * between copy_present_page()'s page_maybe_dma_pinned() test and the write-protect of the parent's
 * pte ("GUP now returns with a write protected page"). copy_page_range() of a COW mapping now runs
 * inside the write side of mm->write_protect_seq, and a FOLL_PIN gup_fast reads the seqcount before
 * its walk (odd: take nothing) and after it (moved: unpin everything), falling back to the slow
 * path, which fork's mmap_lock serialises. A building block of the timelines from 5.11 on.
 */
/** The hook, shared with anon-exclusive, whose design relies on it (composition accepts the same function twice). */
export const writeProtectSeq = (): boolean => true;

export const forkWriteProtectSeq: Strategy = {
  name: 'fork-write-protect-seq',
  family: 'gup-cow',
  summary: 'fork holds mm->write_protect_seq while write-protecting; FOLL_PIN gup_fast backs off (5.11)',
  refs: ['commit 57efa1fe5957 (v5.11) mm/gup: prevent gup_fast from racing with COW during fork', 'commit f3c64eda3e50 (the first attempt, reverted in spirit)'],
  standalone: false,
  hooks: {
    writeProtectSeq,
  },
};
