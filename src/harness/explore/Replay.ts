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
}
