import { FAULT_FLAG_ALLOW_RETRY, FAULT_FLAG_TRIED, FAULT_FLAG_TRIED2 } from '../../src/core/mm/flags.js';
import type { Strategy } from '../../src/core/Strategy.js';

/**
 * Andrea's FAULT_FLAG_TRIED2: VM_FAULT_RETRY at most twice. The first retry keeps ALLOW_RETRY (with
 * TRIED), the second drops it (TRIED2). Alone it survives one spurious wakeup and a second one on
 * the retry ends in SIGBUS again. This is the limit as a building block: the mail proposes it
 * together with the waitqueue recheck ("If we'd check the waitqueue with the spinlock ... we could
 * also limit the VM_FAULT_RETRY to 2 max events"), which is the reading
 * `tried-twice+spinlock-recheck` (strategies/uffd-retry/index.ts).
 */
export const triedTwice: Strategy = {
  name: 'tried-twice',
  family: 'uffd-retry',
  summary: 'FAULT_FLAG_TRIED2 alone: VM_FAULT_RETRY allowed twice, then no ALLOW_RETRY (the proposal as written: tried-twice+spinlock-recheck)',
  refs: ['lkml 2015-10-22 Andrea Arcangeli ("limit the VM_FAULT_RETRY to 2 max events if I add a FAULT_FLAG_TRIED2")'],
  hooks: {
    faultRetryFlags: (_k, flags) => (flags & FAULT_FLAG_TRIED ? (flags & ~FAULT_FLAG_ALLOW_RETRY) | FAULT_FLAG_TRIED2 : flags | FAULT_FLAG_TRIED),
  },
};
