import type { Strategy } from '../../src/core/Strategy.js';

/**
 * The first remote-write version (RFC PATCH 1/2, Oct 2022): pin_user_pages_remote() without
 * FOLL_NOFAULT, so the enable write faults the page in right there, holding event_mutex and the
 * target's mmap_lock. Correct, but a swap-in (or any slow fault) in one process stalls every
 * tracer enabling any event, which is why the fault moved to a worker.
 */
export const syncFault: Strategy = {
  name: 'sync-fault',
  family: 'user-events',
  summary: 'the enable write faults the page in synchronously under event_mutex (tracers stall behind it)',
  refs: ['lkml Beau Belgrave 2022-10-27 "[RFC PATCH 1/2] tracing/user_events: Use remote writes for event enablement"', 'lkml Beau Belgrave 2022-10-27 "[RFC PATCH 2/2] tracing/user_events: Fixup enable faults asyncly"'],
  hooks: {
    userEventsSyncFault: () => true,
    userEventsFixupFailed: () => 'giveup',
  },
};
