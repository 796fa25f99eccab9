import type { Strategy } from '../../src/core/Strategy.js';

/**
 * handle_userfault() refuses to block without FAULT_FLAG_ALLOW_RETRY: VM_FAULT_SIGBUS, and GUP
 * returns -EFAULT. mmap_lock is never held across userspace, but O_DIRECT and KVM on a missing page
 * fail instead of waiting for the monitor.
 */
export const gupSigbus: Strategy = {
  name: 'gup-sigbus',
  family: 'gup-unlock',
  summary: 'without FAULT_FLAG_ALLOW_RETRY a userfault fails: VM_FAULT_SIGBUS, GUP -EFAULT',
  refs: ['fs/userfaultfd.c handle_userfault() ("FAULT_FLAG_ALLOW_RETRY missing")', 'lkml 2014-09-25 Andrea Arcangeli (seed 002)'],
  hooks: {
    userfaultNoRetry: () => 'sigbus',
  },
};
