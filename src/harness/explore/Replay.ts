import { RUNNABLE, type Task } from '../../core/sched/Task.js';
import { Recorder, findTask } from './Recorder.js';

/** Follow a recorded list of departures from the default schedule (a replay token's body). */
export class Replay extends Recorder {
  private next = 0;
  constructor(readonly plan: number[]) {
    super();
  }
  override begin(): void {
    super.begin();
    this.next = 0;
  }
  protected pick(runnable: Task[], n: number, cur: Task | null): Task {
    if (this.next < this.plan.length && this.plan[this.next] === this.cp) {
      const t = findTask(runnable, n, this.plan[this.next + 1]!);
      this.next += 2;
      if (t) return t;
    }
    return cur !== null && cur.state === RUNNABLE ? cur : runnable[0]!;
  }
  protected override pickSpurious(cands: Task[], n: number): Task | null {
    if (this.next < this.plan.length && this.plan[this.next] === this.cp && this.plan[this.next + 1]! < 0) {
      const t = findTask(cands, n, -this.plan[this.next + 1]! - 1);
      this.next += 2;
      return t ?? null;
    }
    return null;
  }
}
