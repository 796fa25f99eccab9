import type { Strategy } from '../../src/core/Strategy.js';

/**
 * get_user_pages_locked()/unlocked() (f0818f472d8d, 4.0): callers that can cope pass `locked`, so
 * the first attempt has FAULT_FLAG_ALLOW_RETRY and the userfault drops mmap_lock before sleeping;
 * GUP retakes it and retries. get_user_pages_fast's slow path (a7b780750e61) and KVM's blocking
 * path use it; FOLL_NOWAIT (KVM async page faults) returns at once; callers with no `locked`
 * (ptrace, access_remote_vm) get -EFAULT rather than a hang.
 */
export const gupLocked: Strategy = {
  name: 'gup-locked',
  family: 'gup-unlock',
  summary: 'get_user_pages_locked: O_DIRECT and KVM pass `locked` and drop mmap_lock to sleep; others get -EFAULT (4.0)',
  refs: ['commit f0818f472d8d (mm: gup: add get_user_pages_locked and get_user_pages_unlocked, 4.0)', 'commit a7b780750e61 (mm: gup: use get_user_pages_unlocked within get_user_pages_fast)', 'lkml 2014-09-25 Andrea Arcangeli (seed 002)'],
  hooks: {
    userfaultNoRetry: () => 'sigbus',
    gupPassesLocked: () => true,
  },
};
