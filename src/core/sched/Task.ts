import type { Scheduler } from './Scheduler.js';
import { READ, WRITE } from './Access.js';
import { signalObject } from './Footprint.js';

/** What a kernel or user code path is while it runs: a generator that yields at scheduling points. */
export type KGen<T = void> = Generator<number, T, undefined>;

export const RUNNABLE = 0;
export const BLOCKED = 1;
export const DONE = 2;

/**
 * A schedulable thread: a user thread (which enters the kernel for faults and syscalls) or a kernel
 * context such as a device completing DMA. `name` is the label traces use, e.g. "P.writer".
 */
export class Task {
  state = RUNNABLE;
  /** The access described by this task's last yield: what it will touch when next scheduled. */
  pending = -1;
  /** Object the task sleeps on, for traces and for spurious wakeups. */
  blockedOn: object | null = null;
  /** TASK_KILLABLE-style sleep: a fatal signal ends it. */
  killable = false;
  private _fatal = false;
  /** Footprint object of this task's pending signals (see signalObject). */
  readonly signalObj: number;
  /**
   * Why this sleep may never end, for the deadlock report: the task waits for a lock it holds
   * itself (a recursive mutex_lock, a down_write over its own read hold). Cleared on wakeup.
   */
  waitNote: string | null = null;
  /** Set when a sleep was ended by something other than the event slept for. */
  wokenSpuriously = false;
  /**
   * set_current_state(TASK_KILLABLE) done, schedule() not called yet: a wakeup in between makes the
   * coming schedule() return at once (the lost-wakeup protection handle_userfault relies on).
   */
  prepared = false;
  /**
   * Asleep where the code does not recheck what it waits for when it wakes up (handle_userfault's
   * single schedule()). Only such sleeps can tell a spurious wakeup from a real one, so only they
   * are offered spurious wakeups by the explorer: waking a sleeper that loops is a stutter.
   */
  noRecheck = false;
  /**
   * A wake_q entry queued for this task (rwsem up_write granting it the lock) whose
   * wake_up_process() may land late, when the task already sleeps somewhere else (the 2017 report
   * behind 15a77c6fe494).
   */
  strayWake = false;
  /**
   * This thread's time, in ticks: the length of the longest happens-before chain ending at its
   * last step, where a step takes one tick (longer where the code says so: a DMA chunk, a page
   * copy) and time passes between threads only through a lock release, a completion or a wakeup.
   * Every thread on its own CPU, the figure is what a wall clock would show; and it depends on the
   * partial order alone, not on which interleaving of independent steps the explorer picked.
   */
  clock = 0;
  /** Ticks this thread spent waiting for another's release, completion or wakeup, summed. */
  waitTicks = 0;
  /** The waker's time at the last wakeup: the sleeper cannot resume before it. */
  wakeClock = 0;
  gen!: KGen;

  constructor(
    readonly sched: Scheduler,
    readonly id: number,
    readonly name: string,
    /** The process (harness-level) or null for kernel contexts. */
    readonly owner: unknown,
    /** Kernel-context tasks (device DMA, workers) are not user threads. */
    readonly kernelThread: boolean,
  ) {
    this.signalObj = signalObject(name);
  }

  /**
   * SIGKILL pending (fatal_signal_pending()). Logged in the running step's footprint both ways: a
   * kill (user_events' force_sig, a sibling's fatal fault) and the checks that act on it (an op
   * boundary, gup's loop, a killable sleep) must stay ordered, or partial-order reduction would
   * take a thread that ran on past a kill for one that stopped.
   */
  get fatal(): boolean {
    this.sched.touch(this.signalObj * 4 + READ);
    return this._fatal;
  }

  set fatal(v: boolean) {
    this.sched.touch(this.signalObj * 4 + WRITE);
    this._fatal = v;
  }

  /** The flag for the state hash, which looks between steps and must not log a read into one. */
  get fatalUnlogged(): boolean {
    return this._fatal;
  }

  /** Mark this task asleep; the caller must `yield` right after. */
  sleep(on: object, killable = false): void {
    this.state = BLOCKED;
    this.blockedOn = on;
    this.killable = killable;
    this.wokenSpuriously = false;
  }

  /**
   * The time of something done on this thread's behalf by the running step: a release or completion
   * that a device or worker does for it happens at the later of the two threads' times.
   */
  now(): number {
    const c = this.sched.current;
    return c !== null && c.clock > this.clock ? c.clock : this.clock;
  }

  /** The thread saw an event that happened at `at` (another thread's time): it waited until then. */
  syncTo(at: number): void {
    if (at > this.clock) {
      this.waitTicks += at - this.clock;
      this.clock = at;
    }
  }

  /** `waker`: whose time the sleeper inherits (none for a wakeup that is nobody's event). */
  wake(waker: Task | null = this.sched.current): void {
    this.prepared = false;
    if (this.state === BLOCKED) {
      if (waker !== null && waker !== this && waker.clock > this.wakeClock) this.wakeClock = waker.clock;
      // Whoever wakes a sleeper touches what it sleeps on: its next step is ordered after the wake.
      if (this.pending >= 0) this.sched.touch(this.pending - (this.pending & 3) + 1);
      this.state = RUNNABLE;
      this.blockedOn = null;
      this.killable = false;
      this.noRecheck = false;
      this.waitNote = null;
    }
  }

  /** wake_up_process() from someone who is not the event slept for. */
  wakeSpuriously(): boolean {
    if (this.state !== BLOCKED) {
      this.prepared = false;
      return false;
    }
    this.wake(null);
    this.wokenSpuriously = true;
    return true;
  }
}
