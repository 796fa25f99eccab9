import type { Strategy } from '../../src/core/Strategy.js';

/**
 * The first asynchronous version (RFC PATCH 2/2, Oct 2022) before the give-up rule: the worker
 * re-issues the write whatever fixup_user_fault() said, and the write queues the fault again.
 * Beau: "mmap() register the enable at that location, then unmap() ... All the faulting errors
 * just tell you -EFAULT in this case ... you could get the kernel to infinite loop trying to page
 * it in."
 */
export const asyncRetryForever: Strategy = {
  name: 'async-retry-forever',
  family: 'user-events',
  summary: 'async fault-in by a worker that re-queues itself after every failure (no give-up): loops on unmapped memory',
  refs: ['lkml Beau Belgrave 2022-10-31 "Re: [RFC PATCH 2/2] tracing/user_events: Fixup enable faults asyncly"'],
  hooks: {
    userEventsSyncFault: () => false,
    userEventsFixupFailed: () => 'retry',
  },
};
