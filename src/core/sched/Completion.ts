import { READ } from './Access.js';
import type { KGen, Task } from './Task.js';
import type { Scheduler } from './Scheduler.js';
import { WaitQueue } from './WaitQueue.js';

/** struct completion: complete() once, wait_for_completion() until it has happened. */
export class Completion {
  done = false;
  readonly wq: WaitQueue;
  constructor(sched: Scheduler, label: string) {
    this.wq = new WaitQueue(sched, label);
  }

  *wait(t: Task, killable = false): KGen<boolean> {
    yield this.wq.id * 4 + READ;
    while (!this.done) {
      if (killable && t.fatal) return false;
      yield* this.wq.wait(t, killable);
    }
    return true;
  }

  complete(): void {
    this.done = true;
    this.wq.wakeAll();
  }
}
