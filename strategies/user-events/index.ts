import type { Strategy } from '../../src/core/Strategy.js';
import { abiBit31 } from './abi-bit31.js';
import { abiSizeBit } from './abi-size-bit.js';
import { asyncGiveup } from './async-giveup.js';
import { asyncRetryForever } from './async-retry-forever.js';
import { killOnFault } from './kill-on-fault.js';
import { syncFault } from './sync-fault.js';

/** user-events (seed 004): how the kernel writes enable bits into user memory, and the ABI. */
export const userEvents: Strategy[] = [syncFault, asyncRetryForever, asyncGiveup, killOnFault, abiBit31, abiSizeBit];
