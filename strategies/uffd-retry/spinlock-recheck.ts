import type { Strategy } from '../../src/core/Strategy.js';

/**
 * After schedule(), check whether this was the userfault's own wakeup and sleep again if not. Andrea
 * proposed taking the waitqueue spinlock to see whether the uwq is still queued; 15a77c6fe494 (4.10)
 * did it with a `waken` flag that userfaultfd_wake_function() sets, after rwsem false wakeups made
 * the selftest SIGBUS. Still one retry only: a fault that needs a second userfault (MADV_DONTNEED
 * after the wakeup, a swap-in retry before a write-protect fault) still fails.
 */
export const spinlockRecheck: Strategy = {
  name: 'spinlock-recheck',
  family: 'uffd-retry',
  summary: 'after schedule(), sleep again unless the wakeup was the userfault\'s (uwq.waken, 15a77c6fe494, 4.10)',
  refs: ['commit 15a77c6fe494 (userfaultfd: fix SIGBUS resulting from false rwsem wakeups, 4.10)', 'lkml 2015-10-22 Andrea Arcangeli ("With one more spinlock taken in the fast path we could recheck")'],
  hooks: {
    uffdWaitForWaken: () => true,
  },
};
