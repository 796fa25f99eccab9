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
    if (this.state === BLOCKED) {
      this.state = RUNNABLE;
      this.blockedOn = null;
      this.killable = false;
    }
  }
}
