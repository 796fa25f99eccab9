import type { Reading, Strategy } from '../../src/core/Strategy.js';
import { retryUnlimited } from './retry-unlimited.js';
import { spinlockRecheck } from './spinlock-recheck.js';
import { triedOnce } from './tried-once.js';
import { triedTwice } from './tried-twice.js';
import { vmFaultUserfault } from './vm-fault-userfault.js';

/** Seed 000: how handle_userfault and the fault loops cope with wakeups that are not the userfault's. */
export const uffdRetry: Strategy[] = [triedOnce, spinlockRecheck, retryUnlimited, vmFaultUserfault, triedTwice];

/**
 * The seed's TRIED2 proposal as Andrea wrote it: "If we'd check the waitqueue with the spinlock (...)
 * we could also limit the VM_FAULT_RETRY to 2 max events if I add a FAULT_FLAG_TRIED2". The limit
 * comes with the recheck; `tried-twice` alone is the limit as a building block.
 */
export const uffdRetryReadings: Reading[] = [
  {
    spec: 'tried-twice+spinlock-recheck',
    family: 'uffd-retry',
    summary: 'the TRIED2 proposal as written: recheck the waitqueue after schedule() and allow VM_FAULT_RETRY twice',
    refs: ['lkml 2015-10-22 Andrea Arcangeli ("If we\'d check the waitqueue with the spinlock ... we could also limit the VM_FAULT_RETRY to 2 max events if I add a FAULT_FLAG_TRIED2")'],
  },
];
