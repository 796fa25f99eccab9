import { RUNNABLE, type Task } from '../../core/sched/Task.js';
import { Recorder, findTask } from './Recorder.js';

interface Frame {
  opts: number[];
  i: number;
}

/**
 * Exhaustive depth-first search over schedules with a preemption bound (CHESS-style): at each choice
 * point, continuing the current task is free; switching away from a runnable task costs one
 * preemption. Executions are re-run from the start with the recorded prefix.
 */
export class Dfs extends Recorder {
  private frames: Frame[] = [];
  private depth = 0;

  constructor(readonly bound: number) {
    super();
  }

  override begin(): void {
    super.begin();
    this.depth = 0;
  }

  protected pick(runnable: Task[], n: number, cur: Task | null): Task {
    let f = this.frames[this.depth];
    if (f === undefined) {
      const opts: number[] = [];
      if (cur !== null && cur.state === RUNNABLE) {
        opts.push(cur.id);
        if (this.preemptions < this.bound) for (let i = 0; i < n; i++) if (runnable[i] !== cur) opts.push(runnable[i]!.id);
      } else for (let i = 0; i < n; i++) opts.push(runnable[i]!.id);
      f = { opts, i: 0 };
      this.frames.push(f);
    }
    this.depth++;
    const t = findTask(runnable, n, f.opts[f.i]!);
    if (t === undefined) throw new Error('non-deterministic model: a replayed choice point differs');
    return t;
  }

  protected override pickSpurious(cands: Task[], n: number): Task | null {
    let f = this.frames[this.depth];
    if (f === undefined) {
      const opts: number[] = [-1];
      const free = this.preemptions < this.bound;
      for (let i = 0; i < n; i++) if (free || cands[i]!.strayWake) opts.push(cands[i]!.id);
      f = { opts, i: 0 };
      this.frames.push(f);
    }
    this.depth++;
    const id = f.opts[f.i]!;
    if (id < 0) return null;
    const t = findTask(cands, n, id);
    if (t === undefined) throw new Error('non-deterministic model: a replayed spurious-wakeup point differs');
    return t;
  }

  /** Move to the next unexplored schedule; false when the search is complete. */
  advance(): boolean {
    this.frames.length = this.depth;
    while (this.frames.length > 0) {
      const top = this.frames[this.frames.length - 1]!;
      if (top.i + 1 < top.opts.length) {
        top.i++;
        return true;
      }
      this.frames.pop();
    }
    return false;
  }
}
