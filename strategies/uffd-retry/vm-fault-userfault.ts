import { FAULT_FLAG_ALLOW_RETRY, FAULT_FLAG_TRIED, VM_FAULT_USERFAULT } from '../../src/core/mm/flags.js';
import type { Strategy } from '../../src/core/Strategy.js';

/**
 * Andrea's 2015 alternative: handle_userfault() returns a new VM_FAULT_USERFAULT, which the arch
 * handler and GUP retry without counting it as a try (no transition to FAULT_FLAG_TRIED), so only
 * userfaults repeat indefinitely. Any other VM_FAULT_RETRY (a swap-in waiting for the page lock)
 * still uses up the one retry, after which a userfault cannot block.
 */
export const vmFaultUserfault: Strategy = {
  name: 'vm-fault-userfault',
  family: 'uffd-retry',
  summary: 'handle_userfault returns VM_FAULT_USERFAULT, retried without FAULT_FLAG_TRIED; other retries still once',
  refs: ['lkml 2015-10-22 Andrea Arcangeli ("add a new VM_FAULT_USERFAULT flag specific to handle_userfault")'],
  hooks: {
    uffdSleptReturn: () => VM_FAULT_USERFAULT,
    faultRetryFlags: (_k, flags, ret) => (ret & VM_FAULT_USERFAULT ? flags : (flags & ~FAULT_FLAG_ALLOW_RETRY) | FAULT_FLAG_TRIED),
  },
};
