import type { Strategy } from '../../src/core/Strategy.js';

/**
 * userfaultfd as merged in 4.3: handle_userfault() sleeps once and returns VM_FAULT_RETRY; the arch
 * fault handler retries once with FAULT_FLAG_TRIED and without FAULT_FLAG_ALLOW_RETRY, and GUP
 * retries the page with FOLL_TRIED and no `locked`. A userfault on that retry cannot drop mmap_lock,
 * so it fails: SIGBUS for a user fault, -EFAULT from GUP. A spurious wakeup before UFFDIO_COPY is
 * enough to get there.
 */
export const triedOnce: Strategy = {
  name: 'tried-once',
  family: 'uffd-retry',
  summary: 'sleep once, return VM_FAULT_RETRY; the retry has FAULT_FLAG_TRIED and no ALLOW_RETRY (4.3)',
  refs: ['commit 86039bd3b4e6 (userfaultfd: add new syscall to provide memory externalization, 4.3)', 'lkml 2015-10-22 Andrea Arcangeli, Re: [PATCH 14/23] userfaultfd: wake pending userfaults'],
  baseline: true,
  hooks: {},
};
