import { BLOCK, LOCK, READ, WRITE } from './Access.js';
import type { KGen, Task } from './Task.js';
import type { Scheduler } from './Scheduler.js';
import { KernelBug } from '../bug.js';

/** struct mutex, and the page lock (PG_locked) which sleeps the same way. */
export class Mutex {
  readonly id: number;
  owner: Task | null = null;
  private waiters: Task[] = [];
  constructor(
    readonly sched: Scheduler,
    readonly label: string,
    /** A fixed object number, for a lock created lazily by whichever thread gets there first. */
    id?: number,
  ) {
    this.id = id ?? sched.newObject();
  }

  /** mutex_lock / lock_page. With `killable`, returns false if a fatal signal ends the wait. */
  *lock(t: Task, killable = false): KGen<boolean> {
    yield this.id * 4 + LOCK;
    while (this.owner !== null) {
      if (this.owner === t) throw new KernelBug(`recursive lock of ${this.label} by ${t.name}`);
      if (killable && t.fatal) return false;
      this.waiters.push(t);
      t.sleep(this, killable);
      yield this.id * 4 + BLOCK;
      const i = this.waiters.indexOf(t);
      if (i >= 0) this.waiters.splice(i, 1);
    }
    this.owner = t;
    this.sched.stats.lockAcquires++;
    return true;
  }

  /**
   * wait_on_page_locked(): sleep until the lock is free, without taking it (the page lock's
   * waiters that only want the I/O to finish). With `killable`, false if a fatal signal ends the wait.
   */
  *waitUnlocked(t: Task, killable = false): KGen<boolean> {
    yield this.id * 4 + READ;
    while (this.owner !== null) {
      if (this.owner === t) throw new KernelBug(`${t.name} waits for ${this.label}, which it holds`);
      if (killable && t.fatal) return false;
      this.waiters.push(t);
      t.sleep(this, killable);
      yield this.id * 4 + BLOCK;
      const i = this.waiters.indexOf(t);
      if (i >= 0) this.waiters.splice(i, 1);
    }
    return true;
  }

  trylock(t: Task): boolean {
    this.sched.touch(this.id * 4 + LOCK);
    if (this.owner !== null) return false;
    this.owner = t;
    this.sched.stats.lockAcquires++;
    return true;
  }

  unlock(t: Task): void {
    if (this.owner !== t) throw new KernelBug(`unlock of ${this.label} by ${t.name}, owner ${this.owner?.name ?? 'none'}`);
    this.owner = null;
    this.sched.touch(this.id * 4 + WRITE);
    const ws = this.waiters;
    if (ws.length) {
      this.waiters = [];
      for (const w of ws) w.wake();
    }
  }
}
