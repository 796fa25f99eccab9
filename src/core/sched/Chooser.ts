import type { FootprintLog } from './Footprint.js';
import type { StateHash } from './StateHash.js';
import type { Task } from './Task.js';

/**
 * Decides which runnable task runs at a choice point (a step where more than one can). The explorer's
 * strategies (DFS, random, PCT, replay) are choosers; the scheduler knows nothing else about them.
 */
export interface Chooser {
  /**
   * `runnable` holds `n` tasks ordered by id; `cur` is the task that ran last (may be blocked or
   * done). Null abandons the execution (it can only repeat what was explored already).
   */
  choose(runnable: Task[], n: number, cur: Task | null): Task | null;
  /**
   * A spurious-wakeup point: `cands` holds `n` sleeping tasks that may be woken spuriously now;
   * return the one to wake, or null (the default: nobody). Choosers without it never wake anyone.
   */
  spurious?(cands: Task[], n: number): Task | null;
  /** Set to have the scheduler log every step's footprint here. */
  footprints?: FootprintLog | null;
  /** Set (with footprints) to have the scheduler keep a state hash (state caching). */
  cachesStates?: boolean;
  /** The running execution's state hash, handed over by its scheduler when cachesStates is set. */
  states?: StateHash | null;
}

/** The schedule with no preemptions: keep running the current task, else the lowest-numbered one. */
export function defaultChoice(runnable: Task[], n: number, cur: Task | null): Task {
  if (cur !== null && cur.state === 0) return cur;
  return runnable[0]!;
  void n;
}
