import { Stats } from '../stats.js';
import type { TraceEvent } from '../trace.js';
import type { Chooser } from './Chooser.js';
import { stableObject, type FootprintLog } from './Footprint.js';
import { READ, WRITE } from './Access.js';
import { KernelBug, Livelock } from '../bug.js';
import { BLOCKED, DONE, RUNNABLE, Task, type KGen } from './Task.js';
import { StateHash } from './StateHash.js';

export type RunEnd =
  | { kind: 'done' }
  | { kind: 'deadlock'; blocked: string[] }
  | { kind: 'livelock'; steps: number; message?: string }
  | { kind: 'bug'; message: string; task: string }
  | { kind: 'error'; message: string; task: string }
  /** The chooser abandoned the execution (partial-order reduction: it only repeats explored traces). */
  | { kind: 'pruned' };

/** Thrown by code that must abandon an execution on purpose (e.g. a fatal signal unwinding). */
export class ThreadExit extends Error {}

/**
 * A deterministic scheduler over generator threads. One execution owns one Scheduler; nothing here
 * reads a clock or unseeded randomness. The inner loop is allocation-free unless tracing.
 */
export class Scheduler {
  readonly tasks: Task[] = [];
  readonly stats = new Stats();
  steps = 0;
  /** Choice points passed so far (steps where more than one task could run). */
  choicePoints = 0;
  current: Task | null = null;
  trace: TraceEvent[] | null = null;
  private nextObj = 1;
  private runnable: Task[] = [];
  /** Called when a task finishes (return or ThreadExit). */
  onTaskExit: ((t: Task) => void) | null = null;
  /** Called between steps; may stop the run early (e.g. a spurious-wakeup injector). */
  beforeStep: ((s: Scheduler) => void) | null = null;
  /** Each step's footprint, when the chooser asked for it (partial-order reduction, trace counting). */
  readonly fp: FootprintLog | null;
  /** The state hash, when the chooser caches states (it needs the footprints). */
  readonly states: StateHash | null;

  constructor(
    public chooser: Chooser,
    readonly maxSteps: number,
  ) {
    this.fp = chooser.footprints ?? null;
    this.states = chooser.cachesStates === true && this.fp !== null ? new StateHash(this) : null;
    if (this.states !== null) chooser.states = this.states;
  }

  /** Record that the running step touches an object (see FootprintLog). */
  touch(a: number): void {
    if (this.fp !== null) this.fp.touch(a);
  }

  /**
   * The running step takes `ticks` in all instead of one (a device transfer, a page copy): the
   * thread's time moves on, so whoever waits for it waits that much longer.
   */
  spend(t: Task, ticks: number): void {
    if (ticks > 1) t.clock += ticks - 1;
  }

  newObject(): number {
    const id = this.nextObj++;
    if (this.states !== null) this.states.allocated(id);
    return id;
  }

  spawn(name: string, owner: unknown, kernelThread: boolean, body: (t: Task) => KGen): Task {
    const t = new Task(this, this.tasks.length, name, owner, kernelThread);
    // Queued by a running step (a bio submitted, a work item): it cannot start before that step.
    if (this.current !== null) t.clock = this.current.clock;
    t.gen = body(t);
    this.tasks.push(t);
    if (this.states !== null) this.states.spawned(t);
    if (this.fp !== null && this.steps > 0) {
      // Spawned by a running step (a work item queued): its first step happens after that one.
      const born = stableObject(4, 0, t.id) * 4;
      this.fp.touch(born + WRITE);
      t.pending = born + READ;
    }
    return t;
  }

  log(t: Task, fn: string, event: string): void {
    this.trace?.push({ step: this.steps, cpu: t.name, fn, event });
  }

  run(): RunEnd {
    const tasks = this.tasks;
    const runnable = this.runnable;
    let cur: Task | null = null;
    for (;;) {
      if (this.beforeStep !== null) {
        const end = this.callBeforeStep();
        if (end !== null) return end;
      }
      let n = 0;
      for (let i = 0; i < tasks.length; i++) {
        const t = tasks[i]!;
        if (t.state === RUNNABLE) runnable[n++] = t;
      }
      if (n === 0) {
        const blocked: string[] = [];
        for (const t of tasks) if (t.state === BLOCKED) blocked.push(t.waitNote === null ? t.name : `${t.name} (${t.waitNote})`);
        this.stats.steps = this.steps;
        return blocked.length ? { kind: 'deadlock', blocked } : { kind: 'done' };
      }
      if (this.steps >= this.maxSteps) {
        // Something could still run: the bound, not the program, ended this execution.
        this.stats.steps = this.steps;
        return { kind: 'livelock', steps: this.steps };
      }
      let next: Task | null;
      if (n === 1) next = runnable[0]!;
      else {
        next = this.chooser.choose(runnable, n, cur);
        this.choicePoints++;
        if (next === null) {
          this.stats.steps = this.steps;
          return { kind: 'pruned' };
        }
      }
      cur = next;
      this.current = next;
      this.steps++;
      next.syncTo(next.wakeClock);
      next.clock++;
      if (this.fp !== null) this.fp.beginStep(next.id, next.pending);
      try {
        const r = next.gen.next();
        if (r.done === true) this.finish(next);
        else next.pending = r.value;
        if (this.states !== null) this.states.sync();
      } catch (e) {
        if (e instanceof ThreadExit) {
          this.finish(next);
          if (this.states !== null) this.states.sync();
        } else if (e instanceof Livelock) {
          this.stats.steps = this.steps;
          return { kind: 'livelock', steps: this.steps, message: `${next.name}: ${e.message}` };
        } else {
          this.stats.steps = this.steps;
          const message = e instanceof Error ? e.message : String(e);
          return e instanceof KernelBug
            ? { kind: 'bug', message, task: next.name }
            : { kind: 'error', message: e instanceof Error && e.stack ? e.stack : message, task: next.name };
        }
      }
    }
  }

  /** A check between steps (e.g. CONFIG_DEBUG_VM) that throws ends the run as a step would. */
  private callBeforeStep(): RunEnd | null {
    try {
      this.beforeStep!(this);
      return null;
    } catch (e) {
      this.stats.steps = this.steps;
      const task = this.current?.name ?? 'scheduler';
      const message = e instanceof Error ? e.message : String(e);
      return e instanceof KernelBug ? { kind: 'bug', message, task } : { kind: 'error', message: e instanceof Error && e.stack ? e.stack : message, task };
    }
  }

  private finish(t: Task): void {
    // An exited thread is no longer there to signal: a sender that looks for live threads
    // (force_sig_mm) is ordered with the exit.
    this.touch(t.signalObj * 4 + WRITE);
    t.state = DONE;
    t.pending = -1;
    if (this.onTaskExit !== null) this.onTaskExit(t);
  }
}
