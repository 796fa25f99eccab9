import { FootprintLog } from '../../core/sched/Footprint.js';
import { RUNNABLE, type Task } from '../../core/sched/Task.js';
import { HappensBefore } from './HappensBefore.js';
import { Recorder, findTask, spuriousOptions, spuriousPick } from './Recorder.js';

/** A task kept asleep: its step from an equivalent state was explored already (with this footprint). */
interface Sleeper {
  tid: number;
  fp: number[];
  /** Preemptions spent once it had run there: its subtree was explored with the budget left after that. */
  pre: number;
}

interface SchedFrame {
  spurious: false;
  /** Runnable task ids at this state, ascending. */
  enabled: number[];
  /** The task the no-preemption schedule runs here. */
  dflt: number;
  /** Switching away from dflt costs a preemption (it is still runnable). */
  curRunnable: boolean;
  /** Preemptions spent before this point. */
  pre: number;
  /** Index in the footprint log of the step taken here. */
  step: number;
  chosen: number;
  /** Tasks to explore from here (source set); `done` are explored (chosen included). */
  backtrack: number[];
  done: number[];
  /** Explored before `chosen`, with their footprints: asleep in the subtree below `chosen`. */
  doneSleepers: Sleeper[];
  sleep: Sleeper[];
}

interface SpuriousFrame {
  spurious: true;
  opts: number[];
  i: number;
}

type Frame = SchedFrame | SpuriousFrame;

/**
 * Source-DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014) over re-executions,
 * within the same preemption bound as Dfs. After each execution, every race (two dependent steps of
 * different tasks that nothing in between orders) adds, at the state before the first, a task that
 * can start the reversed order; a task whose step from an equivalent state was explored already
 * sleeps until something dependent runs. Dependence comes from the steps' footprints
 * (FootprintLog), recorded by the model as it runs.
 *
 * The bound: an added task that would exceed it at the racing state is added instead at the latest
 * earlier state where switching to it is free or affordable (Coons, Musuvathi, McKinley, "Bounded
 * partial-order reduction", OOPSLA 2013), so the reduction explores what bounded DFS finds.
 *
 * Spurious-wakeup points are explored in full, as Dfs does: they are rare (sleeps that do not
 * recheck) and not a choice between tasks.
 */
export class Dpor extends Recorder {
  override readonly footprints: FootprintLog = new FootprintLog();
  private frames: Frame[] = [];
  private depth = 0;
  private sleep: Sleeper[] = [];
  private processed = 0;
  /** Executions abandoned because every runnable task slept (they could only repeat a trace). */
  sleepBlocked = 0;
  races = 0;
  private readonly hb = new HappensBefore();
  private frameAt = new Int32Array(256);

  constructor(readonly bound: number) {
    super();
  }

  override begin(): void {
    super.begin();
    this.depth = 0;
    this.sleep = [];
    this.processed = 0;
  }

  /** Wake the sleepers that the steps logged since the last look depend on. */
  private catchUp(): void {
    const log = this.footprints;
    for (; this.processed < log.length; this.processed++) {
      const s = this.processed;
      if (this.sleep.length === 0) continue;
      const t = log.task[s]!;
      // A sleeping task that runs because it is the only one runnable is not cause to abandon
      // the execution here: under the preemption bound the sibling that explored its step may
      // not have had the budget for what follows (a spurious wakeup costs a preemption too).
      this.sleep = this.sleep.filter((z) => z.tid !== t && !log.conflictsWith(s, z.fp));
    }
  }

  protected pick(runnable: Task[], n: number, cur: Task | null): Task | null {
    this.catchUp();
    const log = this.footprints;
    let f = this.frames[this.depth] as SchedFrame | undefined;
    if (f === undefined) {
      const curRunnable = cur !== null && cur.state === RUNNABLE;
      const dflt = curRunnable ? cur.id : runnable[0]!.id;
      const enabled: number[] = [];
      for (let i = 0; i < n; i++) enabled.push(runnable[i]!.id);
      const pre = this.preemptions;
      const sleeping = (id: number) => this.asleep(this.sleep, id, pre + (curRunnable && id !== dflt ? 1 : 0));
      let chosen = -1;
      if (!sleeping(dflt)) chosen = dflt;
      else if (!curRunnable || this.preemptions < this.bound) {
        for (const id of enabled) if (!sleeping(id)) {
          chosen = id;
          break;
        }
      }
      if (chosen < 0) {
        this.sleepBlocked++;
        return null;
      }
      f = { spurious: false, enabled, dflt, curRunnable, pre: this.preemptions, step: log.length, chosen, backtrack: [chosen], done: [chosen], doneSleepers: [], sleep: this.sleep };
      this.frames.push(f);
    } else if (f.spurious) throw new Error('non-deterministic model: a replayed choice point differs');
    f.step = log.length;
    this.depth++;
    this.sleep = f.doneSleepers.length ? [...f.sleep, ...f.doneSleepers] : f.sleep;
    const t = findTask(runnable, n, f.chosen);
    if (t === undefined) throw new Error('non-deterministic model: a replayed choice point differs');
    return t;
  }

  protected override pickSpurious(cands: Task[], n: number): Task | null {
    let f = this.frames[this.depth];
    if (f === undefined) {
      f = { spurious: true, opts: spuriousOptions(cands, n, this.preemptions < this.bound), i: 0 };
      this.frames.push(f);
    } else if (!f.spurious) throw new Error('non-deterministic model: a replayed spurious-wakeup point differs');
    this.depth++;
    return spuriousPick(cands, n, f.opts[f.i]!);
  }

  /**
   * Is `q` asleep, if running it now leaves `pre` preemptions spent? Under a preemption bound a
   * sleeper only stands for what its own subtree explored: if that subtree had less budget left
   * than this path would (Coons et al.: sleep sets and bounding do not mix), q stays awake.
   */
  private asleep(sleep: Sleeper[], q: number, pre: number): boolean {
    for (const z of sleep) if (z.tid === q && z.pre <= pre) return true;
    return false;
  }

  /** May `q` be scheduled at frame f within the preemption bound? */
  private affordable(f: SchedFrame, q: number): boolean {
    return q === f.dflt || !f.curRunnable || f.pre < this.bound;
  }

  /** Add backtrack points for the races of the execution just finished. */
  private analyse(): void {
    const log = this.footprints;
    const hb = this.hb.compute(log);
    const frameAt = this.frameAt.length >= log.length ? this.frameAt : (this.frameAt = new Int32Array(log.length * 2));
    frameAt.fill(-1, 0, log.length);
    for (let d = 0; d < this.depth; d++) {
      const f = this.frames[d]!;
      if (!f.spurious && f.step < log.length) frameAt[f.step] = d;
    }
    for (const { i, j } of hb.races) {
      const d = frameAt[i]!;
      if (d < 0) continue;
      this.races++;
      const f = this.frames[d] as SchedFrame;
      const init = hb.initials(i, j);
      if (init.length === 0) continue;
      if (init.some((q) => f.backtrack.includes(q))) continue;
      const tj = log.task[j]!;
      const order = init.includes(tj) ? [tj, ...init.filter((q) => q !== tj)] : init;
      let added = -1;
      for (const q of order) {
        if (f.enabled.includes(q) && this.affordable(f, q)) {
          f.backtrack.push(q);
          added = q;
          break;
        }
      }
      // A switch that spends the last preemption here (or one the bound forbids) may be reached
      // more cheaply by switching earlier, where the running task blocked or ended: add that too.
      if (added >= 0 && (added === f.dflt || !f.curRunnable || f.pre + 1 < this.bound)) continue;
      const want = added >= 0 ? [added] : order;
      let found = false;
      for (const q of want) {
        for (let e = d - 1; e >= 0; e--) {
          const g = this.frames[e]!;
          if (g.spurious || !g.enabled.includes(q)) continue;
          if (q !== g.dflt && g.curRunnable) continue;
          if (!g.backtrack.includes(q)) g.backtrack.push(q);
          found = true;
          break;
        }
        if (found) break;
      }
    }
  }

  /** Move to the next schedule the source sets call for; false when the search is complete. */
  advance(): boolean {
    this.analyse();
    const log = this.footprints;
    this.frames.length = this.depth;
    while (this.frames.length > 0) {
      const top = this.frames[this.frames.length - 1]!;
      if (top.spurious) {
        if (top.i + 1 < top.opts.length) {
          top.i++;
          return true;
        }
      } else {
        const cost = (q: number) => top.pre + (top.curRunnable && q !== top.dflt ? 1 : 0);
        const next = top.backtrack.find((q) => !top.done.includes(q) && !this.asleep(top.sleep, q, cost(q)) && this.affordable(top, q));
        if (next !== undefined) {
          if (top.step < log.length) top.doneSleepers.push({ tid: top.chosen, fp: log.footprint(top.step), pre: cost(top.chosen) });
          top.chosen = next;
          top.done.push(next);
          return true;
        }
      }
      this.frames.pop();
    }
    return false;
  }
}
