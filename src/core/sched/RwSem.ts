import { BLOCK, LOCK, WRITE } from './Access.js';
import type { KGen, Task } from './Task.js';
import type { Scheduler } from './Scheduler.js';
import { KernelBug } from '../bug.js';

/**
 * struct rw_semaphore with writer preference, as mmap_lock behaves: once a writer queues, new
 * readers wait behind it (which is why a reader blocked in userspace stalls every later reader).
 * Hold times are measured in scheduler steps for the mmapLockMaxHoldSteps cost.
 */
export class RwSem {
  readonly id: number;
  readers: Task[] = [];
  writer: Task | null = null;
  queuedWriters = 0;
  private waiters: Task[] = [];
  private since = new Map<Task, number>();
  /** Longest hold seen, in steps; also the longest a writer waited. */
  maxHold = 0;
  maxWriterWait = 0;

  constructor(readonly sched: Scheduler, readonly label: string) {
    this.id = sched.newObject();
  }

  *down_read(t: Task, killable = false): KGen<boolean> {
    yield this.id * 4 + LOCK;
    while (this.writer !== null || this.queuedWriters > 0) {
      if (this.writer === t) throw new KernelBug(`${t.name}: down_read(${this.label}) while holding it for write`);
      if (killable && t.fatal) return false;
      this.waiters.push(t);
      t.sleep(this, killable);
      yield this.id * 4 + BLOCK;
    }
    this.readers.push(t);
    this.since.set(t, this.sched.steps);
    this.sched.stats.lockAcquires++;
    return true;
  }

  *down_write(t: Task, killable = false): KGen<boolean> {
    yield this.id * 4 + LOCK;
    const start = this.sched.steps;
    while (this.writer !== null || this.readers.length > 0) {
      if (this.writer === t || this.readers.includes(t)) throw new KernelBug(`${t.name}: down_write(${this.label}) while holding it`);
      if (killable && t.fatal) return false;
      this.queuedWriters++;
      this.waiters.push(t);
      t.sleep(this, killable);
      yield this.id * 4 + BLOCK;
      this.queuedWriters--;
    }
    const waited = this.sched.steps - start;
    if (waited > this.maxWriterWait) this.maxWriterWait = waited;
    this.writer = t;
    this.since.set(t, this.sched.steps);
    this.sched.stats.lockAcquires++;
    return true;
  }

  up_read(t: Task): void {
    const i = this.readers.indexOf(t);
    if (i < 0) throw new KernelBug(`${t.name}: up_read(${this.label}) without holding it`);
    this.readers.splice(i, 1);
    this.released(t);
  }

  up_write(t: Task): void {
    if (this.writer !== t) throw new KernelBug(`${t.name}: up_write(${this.label}) without holding it`);
    this.writer = null;
    this.released(t, true);
  }

  heldBy(t: Task): boolean {
    return this.writer === t || this.readers.includes(t);
  }

  private released(t: Task, writer = false): void {
    this.sched.touch(this.id * 4 + WRITE);
    const held = this.sched.steps - (this.since.get(t) ?? this.sched.steps);
    this.since.delete(t);
    if (held > this.maxHold) this.maxHold = held;
    const ws = this.waiters;
    if (ws.length) {
      this.waiters = [];
      for (const w of ws) {
        w.wake();
        // rwsem_mark_wake() grants the lock and queues wake_up_process() on a wake_q that runs
        // later; a waiter that saw the grant first may be asleep elsewhere by then.
        if (writer) w.strayWake = true;
      }
    }
  }
}
