import { FAULT_FLAG_ALLOW_RETRY, FAULT_FLAG_TRIED, VM_FAULT_USERFAULT } from '../../src/core/mm/flags.js';
import type { Strategy } from '../../src/core/Strategy.js';

/**
 * Andrea's 2015 alternative: handle_userfault() returns a new VM_FAULT_USERFAULT, "returned even if
 * FAULT_FLAG_TRIED is set, so that only userfaults will be allowed to be repeated indefinitely (and
 * then VM_FAULT_USERFAULT shouldn't trigger a transition to FAULT_FLAG_TRIED, unlike VM_FAULT_RETRY
 * does)". Any other VM_FAULT_RETRY (a swap-in waiting for the page lock) still uses up the one
 * retry (TRIED, no ALLOW_RETRY) as in 4.3; a userfault on that retry blocks and drops mmap_lock all
 * the same, so a uffd-wp write to a swapped-out page survives its swap-in retry.
 */
export const vmFaultUserfault: Strategy = {
  name: 'vm-fault-userfault',
  family: 'uffd-retry',
  summary: 'handle_userfault returns VM_FAULT_USERFAULT even when FAULT_FLAG_TRIED is set, and it does not count as a try; other retries still once',
  refs: ['lkml 2015-10-22 Andrea Arcangeli ("add a new VM_FAULT_USERFAULT flag specific to handle_userfault")'],
  hooks: {
    uffdSleptReturn: () => VM_FAULT_USERFAULT,
    uffdBlockWhenTried: () => true,
    faultRetryFlags: (_k, flags, ret) => (ret & VM_FAULT_USERFAULT ? flags : (flags & ~FAULT_FLAG_ALLOW_RETRY) | FAULT_FLAG_TRIED),
  },
};
