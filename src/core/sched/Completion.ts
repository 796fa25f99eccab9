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

  /**
   * wait_for_completion(). The check of `done` needs no scheduling point of its own: finding it done,
   * or sleeping and being woken by complete(), lead to the same state.
   */
  *wait(t: Task, killable = false): KGen<boolean> {
    this.wq.checked();
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
