import type { Chooser } from '../../core/sched/Chooser.js';
import { RUNNABLE, type Task } from '../../core/sched/Task.js';

/**
 * Base of every exploring chooser: counts choice points and preemptions and remembers where the
 * schedule departed from the default one (keep running the current task, else the lowest id).
 * Those departures are the replay token: a counterexample with few preemptions has a short token.
 */
export abstract class Recorder implements Chooser {
  cp = 0;
  preemptions = 0;
  deviations: number[] = [];

  begin(): void {
    this.cp = 0;
    this.preemptions = 0;
    this.deviations = [];
  }

  choose(runnable: Task[], n: number, cur: Task | null): Task {
    const t = this.pick(runnable, n, cur);
    const curRunnable = cur !== null && cur.state === RUNNABLE;
    const dflt = curRunnable ? cur : runnable[0]!;
    if (t !== dflt) this.deviations.push(this.cp, t.id);
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
      if (!t.strayWake) this.preemptions++;
    }
    this.cp++;
    return t;
  }

  protected abstract pick(runnable: Task[], n: number, cur: Task | null): Task;

  protected pickSpurious(_cands: Task[], _n: number): Task | null {
    return null;
  }
}

export function findTask(runnable: Task[], n: number, id: number): Task | undefined {
  for (let i = 0; i < n; i++) if (runnable[i]!.id === id) return runnable[i];
  return undefined;
}
