import { BLOCK, LOCK, READ, WRITE } from './Access.js';
import { stableObject } from './Footprint.js';
import type { KGen, Task } from './Task.js';
import type { Scheduler } from './Scheduler.js';
import { KernelBug } from '../bug.js';

/**
 * struct rw_semaphore with writer preference, as mmap_lock behaves: once a writer queues, new
 * readers wait behind it (which is why a reader blocked in userspace stalls every later reader).
 * Hold and wait times are in ticks of the threads' own time (Task.clock): the mmapLockMaxHoldSteps,
 * mmapWriterWaitSteps and mmapLockWaitTicks costs.
 *
 * For partial-order reduction, readers commute: two down_read()s that both get the lock, or a
 * down_read() and another reader's up_read() with nobody waiting, leave the same state in either
 * order. So the semaphore is two kinds of object: the semaphore itself (writer, queued writers,
 * waiters), which a reader that gets the lock only reads, and each task's reader membership, which
 * only that task writes. Everything that looks at the reader set as a whole (down_write) or
 * changes the writer side (down_write, up_write, queueing, waking) writes the semaphore, so it is
 * ordered with every reader. (The readers' release time is a maximum: it commutes too.)
 */
export class RwSem {
  readonly id: number;
  readers: Task[] = [];
  writer: Task | null = null;
  queuedWriters = 0;
  private waiters: Task[] = [];
  private since = new Map<Task, number>();
  /** Longest hold seen, in ticks; also the longest a writer waited. */
  maxHold = 0;
  maxWriterWait = 0;
  /** When the last writer released it (a reader waits for that), and the latest reader release. */
  private writerFreedAt = 0;
  private readerFreedAt = 0;

  constructor(
    readonly sched: Scheduler,
    readonly label: string,
    /** mm->mmap_lock: its waits are also summed on their own (mmapLockWaitTicks). */
    readonly isMmapLock = false,
  ) {
    this.id = sched.newObject();
  }

  /** Task t's membership in the reader set. */
  private readerObject(t: Task): number {
    return stableObject(4, 127, (this.id * 64 + t.id) & 0xffff);
  }

  private acquired(t: Task, w0: number, freedAt: number): number {
    t.syncTo(freedAt);
    const waited = t.waitTicks - w0;
    const st = this.sched.stats;
    st.lockAcquires++;
    st.lockWaitTicks += waited;
    if (this.isMmapLock) st.mmapLockWaitTicks += waited;
    this.since.set(t, t.clock);
    return waited;
  }

  *down_read(t: Task, killable = false): KGen<boolean> {
    const w0 = t.waitTicks;
    yield this.id * 4 + READ;
    while (this.writer !== null || this.queuedWriters > 0) {
      if (killable && t.fatal) return false;
      // Queueing behind a writer changes the waiters: ordered with whoever wakes them.
      this.sched.touch(this.id * 4 + WRITE);
      this.waiters.push(t);
      t.sleep(this, killable);
      if (this.writer === t) this.selfWait(t, 'down_read', 'for write');
      yield this.id * 4 + BLOCK;
    }
    this.sched.touch(this.readerObject(t) * 4 + WRITE);
    this.readers.push(t);
    this.acquired(t, w0, this.writerFreedAt);
    return true;
  }

  *down_write(t: Task, killable = false): KGen<boolean> {
    const w0 = t.waitTicks;
    yield this.id * 4 + LOCK;
    while (this.writer !== null || this.readers.length > 0) {
      if (killable && t.fatal) return false;
      this.queuedWriters++;
      this.waiters.push(t);
      t.sleep(this, killable);
      if (this.writer === t) this.selfWait(t, 'down_write', 'for write');
      else if (this.readers.includes(t)) this.selfWait(t, 'down_write', 'for read');
      yield this.id * 4 + BLOCK;
      this.queuedWriters--;
    }
    this.writer = t;
    const waited = this.acquired(t, w0, Math.max(this.writerFreedAt, this.readerFreedAt));
    if (waited > this.maxWriterWait) this.maxWriterWait = waited;
    return true;
  }

  up_read(t: Task): void {
    const i = this.readers.indexOf(t);
    if (i < 0) throw new KernelBug(`${t.name}: up_read(${this.label}) without holding it`);
    this.readers.splice(i, 1);
    this.sched.touch(this.readerObject(t) * 4 + WRITE);
    if (t.now() > this.readerFreedAt) this.readerFreedAt = t.now();
    this.released(t);
  }

  up_write(t: Task): void {
    if (this.writer !== t) throw new KernelBug(`${t.name}: up_write(${this.label}) without holding it`);
    this.writer = null;
    this.writerFreedAt = t.now();
    this.released(t, true);
  }

  /**
   * t waits for a hold of its own. The kernel does not refuse that: the task sleeps, and unless
   * someone else ends the hold on its behalf (an O_DIRECT read hold that the I/O's completion drops,
   * up_read_non_owner()) it sleeps for ever. So it is a wait like any other, and what it ends as
   * (the I/O completes and the task goes on, or no thread can run: a deadlock) is the explorer's
   * to find; the note says why, for the deadlock report.
   */
  private selfWait(t: Task, fn: string, how: string): void {
    t.waitNote = `${fn}(${this.label}), which it holds ${how} itself`;
    this.sched.log(t, fn, `${this.label} is held ${how} by ${t.name} itself: sleeps until that hold ends`);
  }

  /** Only t changes whether t holds the lock: this reads nothing other tasks write. */
  heldBy(t: Task): boolean {
    return this.writer === t || this.readers.includes(t);
  }

  private released(t: Task, writer = false): void {
    // A reader leaving with nobody waiting only reads the writer side (a down_write() that saw it
    // still there wrote it, so they are ordered); a writer leaving, or anyone waking waiters, writes it.
    this.sched.touch(this.id * 4 + (writer || this.waiters.length > 0 ? WRITE : READ));
    const now = t.now();
    const held = now - (this.since.get(t) ?? now);
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
