import { BLOCK, LOCK, WRITE } from './Access.js';
import type { KGen, Task } from './Task.js';
import type { Scheduler } from './Scheduler.js';
import { KernelBug } from '../bug.js';

/**
 * spinlock_t. A contended spinner is modelled as a sleeper woken at unlock: the interleavings are
 * the same and the explorer does not waste steps spinning.
 */
export class SpinLock {
  readonly id: number;
  owner: Task | null = null;
  private waiters: Task[] = [];
  /** The last holder's time at unlock (a spinner spins until then). */
  freedAt = 0;
  constructor(readonly sched: Scheduler, readonly label: string) {
    this.id = sched.newObject();
  }

  *lock(t: Task): KGen {
    const w0 = t.waitTicks;
    yield this.id * 4 + LOCK;
    while (this.owner !== null) {
      this.waiters.push(t);
      t.sleep(this);
      // A recursive spin_lock(): the CPU spins on itself for ever (a lockup the model shows as a
      // deadlock: the task can never go on).
      if (this.owner === t) t.waitNote = `spin_lock(${this.label}), which it holds itself`;
      yield this.id * 4 + BLOCK;
    }
    this.owner = t;
    this.acquired(t, w0);
  }

  private acquired(t: Task, w0: number): void {
    t.syncTo(this.freedAt);
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
    if (this.owner !== t) throw new KernelBug(`spin_unlock(${this.label}) by ${t.name}, owner ${this.owner?.name ?? 'none'}`);
    this.owner = null;
    this.freedAt = t.now();
    this.sched.touch(this.id * 4 + WRITE);
    const ws = this.waiters;
    if (ws.length) {
      this.waiters = [];
      for (const w of ws) w.wake();
    }
  }

  held(t: Task): boolean {
    return this.owner === t;
  }
}
