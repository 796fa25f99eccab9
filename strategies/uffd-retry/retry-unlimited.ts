import { FAULT_FLAG_ALLOW_RETRY, FAULT_FLAG_TRIED } from '../../src/core/mm/flags.js';
import type { Strategy } from '../../src/core/Strategy.js';

/**
 * 5.7 (4064b9827063 for the arch handlers, 4426e945df58 for GUP): VM_FAULT_RETRY may be returned
 * any number of times; FAULT_FLAG_TRIED is only a hint and ALLOW_RETRY stays set, so every retry may
 * block in handle_userfault again; callers stop on a fatal signal. f9bf352224d7 (5.9) then dropped
 * the recheck loop as unnecessary. lock_page_or_retry() drops mmap_lock on the first attempt only
 * (fault_flag_allow_retry_first(), same commit).
 */
export const retryUnlimited: Strategy = {
  name: 'retry-unlimited',
  family: 'uffd-retry',
  summary: 'VM_FAULT_RETRY any number of times: retries keep FAULT_FLAG_ALLOW_RETRY (5.7)',
  refs: ['commit 4064b9827063 (mm: allow VM_FAULT_RETRY for multiple times, 5.7)', 'commit 4426e945df58 (mm/gup: allow VM_FAULT_RETRY for multiple times, 5.7)', 'commit f9bf352224d7 (userfaultfd: simplify fault handling, 5.9)'],
  hooks: {
    faultRetryFlags: (_k, flags) => flags | FAULT_FLAG_TRIED,
    // 4064b9827063: "only the first attempt of lock_page_or_retry() releases mmap_sem"; a retry
    // (FAULT_FLAG_TRIED) that finds the page still locked waits for it with mmap_lock held, so a
    // page under I/O cannot make a fault retry forever.
    faultAllowRetryFirst: (_k, flags) => (flags & FAULT_FLAG_ALLOW_RETRY) !== 0 && (flags & FAULT_FLAG_TRIED) === 0,
  },
};
