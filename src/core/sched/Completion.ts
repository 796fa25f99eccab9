import type { KGen, Task } from './Task.js';
import type { Scheduler } from './Scheduler.js';
import { WaitQueue } from './WaitQueue.js';

/** struct completion: complete() once, wait_for_completion() until it has happened. */
export class Completion {
  done = false;
  /** The completer's time: a waiter that finds it done has waited until then. */
  doneAt = 0;
  readonly wq: WaitQueue;
  constructor(
    sched: Scheduler,
    label: string,
    /** The end of a device I/O: waiting for it is ioWaitTicks. */
    readonly io = false,
  ) {
    this.wq = new WaitQueue(sched, label);
  }

  /**
   * wait_for_completion(). The check of `done` needs no scheduling point of its own: finding it done,
   * or sleeping and being woken by complete(), lead to the same state.
   */
  *wait(t: Task, killable = false): KGen<boolean> {
    const w0 = t.waitTicks;
    this.wq.checked();
    while (!this.done) {
      if (killable && t.fatal) return false;
      yield* this.wq.wait(t, killable);
    }
    t.syncTo(this.doneAt);
    if (this.io) this.wq.sched.stats.ioWaitTicks += t.waitTicks - w0;
    return true;
  }

  complete(): void {
    const by = this.wq.sched.current;
    if (by !== null) this.doneAt = by.clock;
    this.done = true;
    this.wq.wakeAll();
  }
}
