import type { Task } from '../../core/sched/Task.js';
import { Recorder } from './Recorder.js';
import { Rng } from './rng.js';

/** Seeded uniform random choice at every choice point. */
export class RandomWalk extends Recorder {
  private readonly rng: Rng;
  constructor(seed: number) {
    super();
    this.rng = new Rng(seed);
  }
  protected pick(runnable: Task[], n: number): Task {
    return runnable[this.rng.below(n)]!;
  }
  /** A spurious wakeup at one point in eight where one is possible. */
  protected override pickSpurious(cands: Task[], n: number): Task | null {
    return this.rng.below(8) === 0 ? cands[this.rng.below(n)]! : null;
  }
}
