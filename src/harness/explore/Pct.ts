import type { Task } from '../../core/sched/Task.js';
import { Recorder } from './Recorder.js';
import { Rng } from './rng.js';

/**
 * PCT (Burckhardt et al., ASPLOS 2010): random distinct priorities per task, the highest-priority
 * runnable task runs, and at d-1 random choice points the running task drops to a low priority.
 * Finds a bug of depth d with probability at least 1/(n k^(d-1)).
 */
export class Pct extends Recorder {
  private readonly rng: Rng;
  private prio = new Map<number, number>();
  private changes: number[] = [];

  constructor(
    seed: number,
    readonly depth: number,
    /** Expected number of choice points (k), learnt from earlier executions. */
    public k: number,
  ) {
    super();
    this.rng = new Rng(seed);
  }

  override begin(): void {
    super.begin();
    this.prio = new Map();
    this.changes = [];
    for (let i = 0; i < this.depth - 1; i++) this.changes.push(this.rng.below(Math.max(1, this.k)));
  }

  private priority(t: Task): number {
    let p = this.prio.get(t.id);
    if (p === undefined) {
      p = this.depth + 1 + this.rng.below(1 << 20);
      this.prio.set(t.id, p);
    }
    return p;
  }

  protected pick(runnable: Task[], n: number, cur: Task | null): Task {
    const ci = this.changes.indexOf(this.cp);
    if (ci >= 0 && cur !== null) this.prio.set(cur.id, this.depth - 1 - ci);
    let best = runnable[0]!;
    let bp = this.priority(best);
    for (let i = 1; i < n; i++) {
      const p = this.priority(runnable[i]!);
      if (p > bp) {
        bp = p;
        best = runnable[i]!;
      }
    }
    return best;
  }
}
