import { RUNNABLE, type Task } from '../../core/sched/Task.js';
import { Recorder, findTask, spuriousOptions, spuriousPick } from './Recorder.js';
import { mix } from '../../core/sched/StateHash.js';
import { VisitedStates } from './VisitedStates.js';
import { FootprintLog } from '../../core/sched/Footprint.js';

interface Frame {
  opts: number[];
  i: number;
}

/**
 * A choice point where the preemption bound leaves only the default: nothing to backtrack to, so
 * every such point shares one frame (deep in the tree, most points are like this).
 */
const ONLY_DEFAULT: Frame = Object.freeze({ opts: [], i: 0 }) as Frame;

/**
 * Exhaustive depth-first search over schedules with a preemption bound (CHESS-style): at each choice
 * point, continuing the current task is free; switching away from a runnable task costs one
 * preemption. Executions are re-run from the start with the recorded prefix.
 */
export class Dfs extends Recorder {
  private frames: Frame[] = [];
  private depth = 0;

  /**
   * @param prefix forced option indices for the first choice points: explore only the subtree
   * below them (a piece of a run another worker may be exploring the rest of).
   */
  /** State caching (`--state-cache`): the states expanded so far, null when off. */
  readonly visited: VisitedStates | null;

  constructor(
    readonly bound: number,
    readonly prefix: readonly number[] = [],
    cacheStates = false,
  ) {
    super();
    this.visited = cacheStates ? new VisitedStates() : null;
    if (cacheStates) {
      this.cachesStates = true;
      this.footprints = new FootprintLog();
    }
  }

  /**
   * A choice point met for the first time in this search (not a replayed one): skip it if its
   * state was expanded already with as much preemption budget. Sound for DFS: states only grow
   * (every step adds to some thread's digest), so a state met again is never one still being
   * expanded above this point, and everything below it was explored when it was.
   */
  private seen(cur: Task | null): boolean {
    const h = this.states;
    if (h === null || h === undefined || !h.cacheable()) return false;
    h.key();
    let hi = h.hi;
    let lo = h.lo;
    // With a bound, what is explored below depends on who runs by default (switching away costs).
    if (this.bound !== Infinity) {
      const c = cur !== null && cur.state === RUNNABLE ? cur.id + 1 : 0;
      hi = mix(hi, c);
      lo = mix(lo, c + 0x3e3);
    }
    return !this.visited!.visit(hi, lo, this.bound - this.preemptions);
  }

  override begin(): void {
    super.begin();
    this.depth = 0;
  }

  protected pick(runnable: Task[], n: number, cur: Task | null): Task | null {
    let f = this.frames[this.depth];
    if (f === undefined) {
      if (this.visited !== null && this.depth >= this.prefix.length && this.seen(cur)) return null;
      const opts: number[] = [];
      if (cur !== null && cur.state === RUNNABLE) {
        if (this.preemptions >= this.bound && this.depth >= this.prefix.length) {
          this.frames.push(ONLY_DEFAULT);
          this.depth++;
          return cur;
        }
        opts.push(cur.id);
        if (this.preemptions < this.bound) for (let i = 0; i < n; i++) if (runnable[i] !== cur) opts.push(runnable[i]!.id);
      } else for (let i = 0; i < n; i++) opts.push(runnable[i]!.id);
      f = { opts, i: this.depth < this.prefix.length ? this.prefix[this.depth]! : 0 };
      if (f.i >= opts.length) throw new Error('non-deterministic model: a forced prefix names a choice that does not exist');
      this.frames.push(f);
    }
    this.depth++;
    if (f === ONLY_DEFAULT) return cur!;
    const t = findTask(runnable, n, f.opts[f.i]!);
    if (t === undefined) throw new Error('non-deterministic model: a replayed choice point differs');
    return t;
  }

  protected override pickSpurious(cands: Task[], n: number): Task | null {
    let f = this.frames[this.depth];
    if (f === undefined) {
      const opts = spuriousOptions(cands, n, this.preemptions < this.bound);
      f = { opts, i: this.depth < this.prefix.length ? this.prefix[this.depth]! : 0 };
      if (f.i >= opts.length) throw new Error('non-deterministic model: a forced prefix names a spurious wakeup that does not exist');
      this.frames.push(f);
    }
    this.depth++;
    return spuriousPick(cands, n, f.opts[f.i]!);
  }

  /** Move to the next unexplored schedule; false when the search is complete. */
  advance(): boolean {
    this.frames.length = this.depth;
    while (this.frames.length > this.prefix.length) {
      const top = this.frames[this.frames.length - 1]!;
      if (top.i + 1 < top.opts.length) {
        top.i++;
        return true;
      }
      this.frames.pop();
    }
    return false;
  }

  /**
   * After an execution: the subtrees DFS has not explored yet, each as a forced prefix. Exploring
   * all of them explores exactly what advance() would have gone on to.
   */
  remaining(): number[][] {
    const out: number[][] = [];
    const frames = this.frames.slice(0, this.depth);
    for (let d = this.prefix.length; d < frames.length; d++) {
      const f = frames[d]!;
      if (f === ONLY_DEFAULT) continue;
      const base = frames.slice(0, d).map((x) => x.i);
      for (let j = f.i + 1; j < f.opts.length; j++) out.push([...base, j]);
    }
    return out;
  }
}
