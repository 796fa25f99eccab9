import { RUNNABLE, type Task } from '../../core/sched/Task.js';
import { Recorder, findTask } from './Recorder.js';
import { TokenError } from '../replayToken.js';

/**
 * Follow a recorded list of departures from the default schedule (a replay token's body). `strict`
 * (a token a user gave) refuses a choice that names a task not runnable at its choice point, and,
 * through `check()`, a choice point the execution never reached: either means the token does not
 * fit this workload, and replaying on would show some other schedule as if it were the one asked
 * for. Lenient replays (shrinking a counterexample) skip such choices.
 */
export class Replay extends Recorder {
  private next = 0;
  constructor(
    readonly plan: number[],
    readonly strict = false,
  ) {
    super();
  }

  /** The first choice that did not fit (strict replays), reported by check() after the execution. */
  private mismatch: string | null = null;

  /** After the execution: every choice of the plan fitted and was made (strict replays). */
  check(): void {
    if (this.mismatch !== null) throw new TokenError(this.mismatch);
    if (this.strict && this.next < this.plan.length) {
      throw new TokenError(`choice point ${this.plan[this.next]} out of range: the execution has ${this.cp} choice points`);
    }
  }
  override begin(): void {
    super.begin();
    this.next = 0;
  }
  protected pick(runnable: Task[], n: number, cur: Task | null): Task {
    if (this.next < this.plan.length && this.plan[this.next] === this.cp) {
      const id = this.plan[this.next + 1]!;
      const t = id >= 0 ? findTask(runnable, n, id) : undefined;
      if (this.strict && t === undefined && this.mismatch === null) {
        const ids = Array.from({ length: n }, (_, i) => runnable[i]!.id).join(', ');
        this.mismatch = `choice ${id < 0 ? `w${-id - 1}` : id} out of range at choice point ${this.cp} (runnable tasks there: ${ids})`;
      }
      this.next += 2;
      if (t) return t;
    }
    return cur !== null && cur.state === RUNNABLE ? cur : runnable[0]!;
  }
  protected override pickSpurious(cands: Task[], n: number): Task | null {
    if (this.next < this.plan.length && this.plan[this.next] === this.cp && this.plan[this.next + 1]! < 0) {
      const t = findTask(cands, n, -this.plan[this.next + 1]! - 1);
      if (this.strict && t === undefined && this.mismatch === null) {
        const ids = Array.from({ length: n }, (_, i) => cands[i]!.id).join(', ');
        this.mismatch = `choice w${-this.plan[this.next + 1]! - 1} out of range at choice point ${this.cp} (tasks that may be woken there: ${ids || 'none'})`;
      }
      this.next += 2;
      return t ?? null;
    }
    return null;
  }
}
