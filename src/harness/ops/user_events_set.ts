import { WRITE } from '../../core/sched/Access.js';
import { ORACLE_EVENTS } from '../oracle/Oracle.js';
import { z } from 'zod';
import { event_enable_write } from '../../core/trace/user_events.js';
import { defineOp } from './OpDef.js';
import { name } from './common.js';

/**
 * A tracer enables or disables an event (echo 1 > events/user_events/NAME/enable): the kernel
 * writes the enable bit of every process that registered it. The thread doing this is "the
 * tracer"; its wait for event_mutex is the tracerWaitSteps cost.
 */
export const user_events_set = defineOp({
  name: 'user_events_set',
  summary: 'a tracer enables / disables a user_events event; the kernel writes every registered enable bit',
  args: z.strictObject({ event: name, enabled: z.boolean() }),
  refs: () => ({}),
  needs: () => [{ feature: 'user-events', why: 'user_events (DIAG_IOCSREG enablers)' }],
  *run({ k, t, ex }, a) {
    ex.oracle.eventSetsInFlight++;
    k.sched.touch(ORACLE_EVENTS * 4 + WRITE);
    yield* event_enable_write(k, t, a.event, a.enabled);
    ex.oracle.setEvent(a.event, a.enabled);
    ex.oracle.eventSetsInFlight--;
    k.sched.touch(ORACLE_EVENTS * 4 + WRITE);
    return null;
  },
});
