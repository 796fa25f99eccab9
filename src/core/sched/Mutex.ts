import { BLOCK, LOCK, READ, WRITE } from './Access.js';
import type { KGen, Task } from './Task.js';
import type { Scheduler } from './Scheduler.js';
import { KernelBug } from '../bug.js';

/** struct mutex, and the page lock (PG_locked) which sleeps the same way. */
export class Mutex {
  readonly id: number;
  owner: Task | null = null;
  private waiters: Task[] = [];
  /** The last holder's time at unlock: whoever takes the lock next cannot have it earlier. */
  freedAt = 0;
  /** The holder's time when it took the lock, and the longest hold seen (ticks). */
  private heldSince = 0;
  maxHold = 0;
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
    const w0 = t.waitTicks;
    yield this.id * 4 + LOCK;
    while (this.owner !== null) {
      if (killable && t.fatal) return false;
      this.waiters.push(t);
      t.sleep(this, killable);
      // A recursive mutex_lock(): the owner sleeps on itself, for ever (a deadlock, not a refusal).
      if (this.owner === t) t.waitNote = `mutex_lock(${this.label}), which it holds itself`;
      yield this.id * 4 + BLOCK;
      const i = this.waiters.indexOf(t);
      if (i >= 0) this.waiters.splice(i, 1);
    }
    this.owner = t;
    this.acquired(t, w0);
    return true;
  }

  /**
   * wait_on_page_locked(): sleep until the lock is free, without taking it (the page lock's
   * waiters that only want the I/O to finish). With `killable`, false if a fatal signal ends the wait.
   */
  *waitUnlocked(t: Task, killable = false): KGen<boolean> {
    yield this.id * 4 + READ;
    const w0 = t.waitTicks;
    while (this.owner !== null) {
      if (killable && t.fatal) return false;
      this.waiters.push(t);
      t.sleep(this, killable);
      if (this.owner === t) t.waitNote = `waits for ${this.label} to be unlocked, which it holds itself`;
      yield this.id * 4 + BLOCK;
      const i = this.waiters.indexOf(t);
      if (i >= 0) this.waiters.splice(i, 1);
    }
    // Whoever unlocked it (the I/O completing) did so at its time: the wait lasts until then.
    t.syncTo(this.freedAt);
    this.sched.stats.lockWaitTicks += t.waitTicks - w0;
    return true;
  }

  private acquired(t: Task, w0: number): void {
    t.syncTo(this.freedAt);
    this.heldSince = t.clock;
    const st = this.sched.stats;
    st.lockAcquires++;
    st.lockWaitTicks += t.waitTicks - w0;
  }

  trylock(t: Task): boolean {
    this.sched.touch(this.id * 4 + LOCK);
    if (this.owner !== null) return false;
    this.owner = t;
    this.acquired(t, t.waitTicks);
    return true;
  }

  unlock(t: Task): void {
    if (this.owner !== t) throw new KernelBug(`unlock of ${this.label} by ${t.name}, owner ${this.owner?.name ?? 'none'}`);
    this.owner = null;
    this.freedAt = t.now();
    if (this.freedAt - this.heldSince > this.maxHold) this.maxHold = this.freedAt - this.heldSince;
    this.sched.touch(this.id * 4 + WRITE);
    const ws = this.waiters;
    if (ws.length) {
      this.waiters = [];
      for (const w of ws) w.wake();
    }
  }
}
