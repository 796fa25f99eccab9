import type { TraceEvent } from '../../core/trace.js';

/** A trace as it is shown: events numbered 1..n in order, and the number of the detection event. */
export interface NumberedTrace {
  trace: TraceEvent[];
  /** The event at which the invariant was found violated (`>>`), or undefined if none is marked. */
  at: number | undefined;
}

/**
 * The scheduler logs events with its own step counter: one step can log several events (an op
 * label, the fault it takes, the page it maps) and many steps log none, so those numbers repeat
 * and skip. A reader refers to a row ("preempted before step 12", `>>` at step 19), so a shown
 * trace numbers its events 1..n in the order they happened (events of one step in logged order)
 * and states the detection as one of those numbers.
 *
 * `at` is in the trace's own numbering. The detection is the VIOLATION event logged for
 * `invariant` at that step (an execution can break several invariants in one step), else any
 * VIOLATION event there, else the last event at or before it: the one that made the state
 * observable. Numbering a numbered trace changes nothing, so a report can number what it is given
 * whether it came from this version or an older results.json.
 */
export function numberTrace(trace: readonly TraceEvent[], at?: number, invariant?: string): NumberedTrace {
  const events = [...trace].sort((a, b) => a.step - b.step);
  let mark = -1;
  if (at !== undefined) {
    let any = -1;
    let last = -1;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.step > at) break;
      last = i;
      if (e.step !== at || e.fn !== 'VIOLATION') continue;
      if (invariant !== undefined && e.event.startsWith(`${invariant}:`)) {
        mark = i;
        break;
      }
      if (any < 0) any = i;
    }
    if (mark < 0) mark = any >= 0 ? any : last;
  }
  return { trace: events.map((e, i) => ({ ...e, step: i + 1 })), at: mark < 0 ? undefined : mark + 1 };
}
