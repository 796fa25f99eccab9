import type { Scheduler } from './Scheduler.js';

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
  /** SIGKILL pending (fatal_signal_pending()). */
  fatal = false;
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
  gen!: KGen;

  constructor(
    readonly sched: Scheduler,
    readonly id: number,
    readonly name: string,
    /** The process (harness-level) or null for kernel contexts. */
    readonly owner: unknown,
    /** Kernel-context tasks (device DMA, workers) are not user threads. */
    readonly kernelThread: boolean,
  ) {}

  /** Mark this task asleep; the caller must `yield` right after. */
  sleep(on: object, killable = false): void {
    this.state = BLOCKED;
    this.blockedOn = on;
    this.killable = killable;
    this.wokenSpuriously = false;
  }

  wake(): void {
    this.prepared = false;
    if (this.state === BLOCKED) {
      // Whoever wakes a sleeper touches what it sleeps on: its next step is ordered after the wake.
      if (this.pending >= 0) this.sched.touch(this.pending - (this.pending & 3) + 1);
      this.state = RUNNABLE;
      this.blockedOn = null;
      this.killable = false;
      this.noRecheck = false;
    }
  }

  /** wake_up_process() from someone who is not the event slept for. */
  wakeSpuriously(): boolean {
    if (this.state !== BLOCKED) {
      this.prepared = false;
      return false;
    }
    this.wake();
    this.wokenSpuriously = true;
    return true;
  }
}
