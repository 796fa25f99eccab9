import type { Strategy } from '../../src/core/Strategy.js';

/**
 * A userfault reached from GUP blocks with mmap_lock held, since GUP callers without `locked`
 * cannot have it dropped: userspace decides how long mmap_lock stays held; mmap and munmap queue
 * behind it, and readers queue behind them (the monitor's own UFFDIO_COPY included).
 */
export const gupHold: Strategy = {
  name: 'gup-hold',
  family: 'gup-unlock',
  summary: 'a userfault inside GUP blocks with mmap_lock held (no `locked` anywhere)',
  refs: ['lkml 2014-09-25 Andrea Arcangeli, Re: [PATCH v2] kvm: Faults which trigger IO release the mmap_sem ("we can\'t allow userland to take the mmap_sem for an unlimited amount of time")'],
  baseline: true,
  hooks: {},
};
