import type { Strategy } from '../../src/core/Strategy.js';

/**
 * Mathieu's suggestion in the seed thread: "If there are none [legitimate failures of
 * fixup_user_fault], and the only case that can make this fail is userspace unmapping memory, then
 * we should very well kill the offending process." Beau's reply lists VM_FAULT_ERROR, which also
 * covers VM_FAULT_OOM: a process whose memory is fine is killed because the machine was short of
 * memory when the tracer enabled the event.
 */
export const killOnFault: Strategy = {
  name: 'kill-on-fault',
  family: 'user-events',
  summary: 'async fault-in; if fixup_user_fault fails (any VM_FAULT_ERROR, OOM included) SIGKILL the process',
  refs: ['lkml Mathieu Desnoyers 2022-10-29 "Re: [RFC PATCH 2/2] tracing/user_events: Fixup enable faults asyncly"', 'lkml Beau Belgrave 2022-10-31 (same thread): "I believe only VM_FAULT_ERROR"'],
  hooks: {
    userEventsSyncFault: () => false,
    userEventsFixupFailed: () => 'kill',
  },
};
