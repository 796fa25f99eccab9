import { BLOCK, READ, WRITE } from './Access.js';
import type { KGen, Task } from './Task.js';
import type { Scheduler } from './Scheduler.js';

/** wait_queue_head_t: tasks sleeping until someone calls wake_up(). */
export class WaitQueue {
  readonly id: number;
  waiters: Task[] = [];
  constructor(
    readonly sched: Scheduler,
    readonly label: string,
    /** A fixed object number, for queues created lazily by whichever thread gets there first. */
    id?: number,
  ) {
    this.id = id ?? sched.newObject();
  }

  /** prepare_to_wait + schedule(): returns once woken (which may be spurious; callers recheck). */
  *wait(t: Task, killable = false): KGen {
    this.sched.touch(this.id * 4 + WRITE);
    this.waiters.push(t);
    t.sleep(this, killable);
    yield this.id * 4 + BLOCK;
    this.remove(t);
  }

  remove(t: Task): void {
    const i = this.waiters.indexOf(t);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** A condition the queue's wakers change was read (so the reader orders against them). */
  checked(): void {
    this.sched.touch(this.id * 4 + READ);
  }

  wakeAll(): void {
    this.sched.touch(this.id * 4 + WRITE);
    const ws = this.waiters;
    if (ws.length === 0) return;
    this.waiters = [];
    for (const w of ws) w.wake();
  }

  wakeOne(): void {
    this.sched.touch(this.id * 4 + WRITE);
    const w = this.waiters.shift();
    if (w) w.wake();
  }
}
