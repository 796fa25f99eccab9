import type { Strategy } from '../../src/core/Strategy.js';
import { retryUnlimited } from './retry-unlimited.js';
import { spinlockRecheck } from './spinlock-recheck.js';
import { triedOnce } from './tried-once.js';
import { triedTwice } from './tried-twice.js';
import { vmFaultUserfault } from './vm-fault-userfault.js';

/** Seed 000: how handle_userfault and the fault loops cope with wakeups that are not the userfault's. */
export const uffdRetry: Strategy[] = [triedOnce, spinlockRecheck, retryUnlimited, vmFaultUserfault, triedTwice];
