import type { Chooser } from '../../core/sched/Chooser.js';
import type { FootprintLog } from '../../core/sched/Footprint.js';
import { RUNNABLE, type Task } from '../../core/sched/Task.js';
import type { StateHash } from '../../core/sched/StateHash.js';

/**
 * Base of every exploring chooser: counts choice points and preemptions and remembers where the
 * schedule departed from the default one (keep running the current task, else the lowest id).
 * Those departures are the replay token: a counterexample with few preemptions has a short token.
 */
export abstract class Recorder implements Chooser {
  cp = 0;
  preemptions = 0;
  deviations: number[] = [];
  /**
   * Optional shared memory mirroring the execution in progress: [PROGRESS_EXECUTION] its number,
   * [PROGRESS_LENGTH] how many deviation numbers follow (-1 if they did not fit), then the
   * deviations. A run stopped from outside (its time budget) is read back from it.
   */
  progress: Int32Array | null = null;
  /** Set to log every step's footprint (trace counting; DPOR always logs). */
  footprints: FootprintLog | null = null;
  /** State caching: set by choosers that keep a visited set; `states` is the running execution's hash. */
  cachesStates = false;
  states: StateHash | null = null;

  begin(): void {
    this.footprints?.reset();
    this.cp = 0;
    this.preemptions = 0;
    this.deviations = [];
    if (this.progress !== null) Atomics.store(this.progress, PROGRESS_LENGTH, 0);
  }

  choose(runnable: Task[], n: number, cur: Task | null): Task | null {
    const t = this.pick(runnable, n, cur);
    if (t === null) return null;
    const curRunnable = cur !== null && cur.state === RUNNABLE;
    const dflt = curRunnable ? cur : runnable[0]!;
    if (t !== dflt) {
      this.deviations.push(this.cp, t.id);
      if (this.progress !== null) this.mirror(this.progress);
    }
    if (curRunnable && t !== cur) this.preemptions++;
    this.cp++;
    return t;
  }

  /**
   * A spurious-wakeup point (see SpuriousWakeups): the default is to wake nobody; waking someone is
   * a departure, recorded as (cp, -(id + 1)). An arbitrary wakeup counts against the preemption
   * bound like a preemption; delivering a late rwsem wake_q entry (Task.strayWake) does not, since
   * its source already bounds it.
   */
  spurious(cands: Task[], n: number): Task | null {
    const t = this.pickSpurious(cands, n);
    if (t !== null) {
      this.deviations.push(this.cp, -(t.id + 1));
      if (this.progress !== null) this.mirror(this.progress);
      if (!t.strayWake) this.preemptions++;
    }
    this.cp++;
    return t;
  }

  private mirror(p: Int32Array): void {
    const n = this.deviations.length;
    if (p[PROGRESS_LENGTH]! < 0) return;
    if (PROGRESS_HEADER + n > p.length) {
      Atomics.store(p, PROGRESS_LENGTH, -1);
      return;
    }
    p[PROGRESS_HEADER + n - 2] = this.deviations[n - 2]!;
    p[PROGRESS_HEADER + n - 1] = this.deviations[n - 1]!;
    Atomics.store(p, PROGRESS_LENGTH, n);
  }

  /** Null abandons the execution (see Chooser.choose). */
  protected abstract pick(runnable: Task[], n: number, cur: Task | null): Task | null;

  protected pickSpurious(_cands: Task[], _n: number): Task | null {
    return null;
  }
}

/**
 * The options at a spurious-wakeup point for a bounded search: nobody (-1, the default), then each
 * candidate while preemptions are left, or only late rwsem wake_q entries once they are not.
 */
export function spuriousOptions(cands: Task[], n: number, free: boolean): number[] {
  const opts: number[] = [-1];
  for (let i = 0; i < n; i++) if (free || cands[i]!.strayWake) opts.push(cands[i]!.id);
  return opts;
}

/** The task a spurious-wakeup option names (null for nobody). */
export function spuriousPick(cands: Task[], n: number, id: number): Task | null {
  if (id < 0) return null;
  const t = findTask(cands, n, id);
  if (t === undefined) throw new Error('non-deterministic model: a replayed spurious-wakeup point differs');
  return t;
}

export function findTask(runnable: Task[], n: number, id: number): Task | undefined {
  for (let i = 0; i < n; i++) if (runnable[i]!.id === id) return runnable[i];
  return undefined;
}

export const PROGRESS_EXECUTION = 0;
export const PROGRESS_LENGTH = 1;
export const PROGRESS_HEADER = 2;

/** The plan of the execution in progress, from a progress buffer; null if it did not fit. */
export function progressPlan(p: Int32Array): { execution: number; plan: number[] | null } {
  const n = Atomics.load(p, PROGRESS_LENGTH);
  return { execution: Atomics.load(p, PROGRESS_EXECUTION), plan: n < 0 ? null : Array.from(p.subarray(PROGRESS_HEADER, PROGRESS_HEADER + n)) };
}
