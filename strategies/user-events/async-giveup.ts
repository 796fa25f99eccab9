import type { Strategy } from '../../src/core/Strategy.js';

/**
 * The merged design (v6.4, 7235759084a4 and 41d8fba193b3): the enable write pins with FOLL_NOFAULT
 * under event_mutex; a page that is not there is faulted in by a worker without the mutex
 * (fixup_user_fault), which rewrites the bit if that worked and otherwise gives up until the next
 * time the event is enabled or disabled. Beau's answer to Mathieu in the seed thread: "If we fault
 * and the fixup user fault with retries fails, then we give up until the next enablement".
 */
export const asyncGiveup: Strategy = {
  name: 'async-giveup',
  family: 'user-events',
  summary: 'async fault-in by a worker; if fixup_user_fault fails, give up until the next enable/disable (merged, 6.4)',
  refs: ['lkml Beau Belgrave 2022-10-31 "Re: [RFC PATCH 2/2] tracing/user_events: Fixup enable faults asyncly"', 'commit 7235759084a4 (v6.4)', 'commit 41d8fba193b3 (v6.4)'],
  baseline: true,
  hooks: {
    userEventsSyncFault: () => false,
    userEventsFixupFailed: () => 'giveup',
  },
};
