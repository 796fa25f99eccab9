import type { Kernel } from '../../core/Strategy.js';
import { numberTrace } from './numberTrace.js';
import type { Stats } from '../../core/stats.js';
import { CostAccumulator } from './CostAccumulator.js';
import type { Violation } from '../oracle/invariants.js';
import { encodeToken } from '../replayToken.js';
import type { RunResult, ViolationResult } from '../results.js';
import { Execution } from '../runtime/Execution.js';
import { boundName, isExhaustive, reportedMode, usesDpor, type ExploreMode, type Workload } from '../workload/types.js';
import { Dfs } from './Dfs.js';
import { Dpor } from './Dpor.js';
import { Pct } from './Pct.js';
import { RandomWalk } from './RandomWalk.js';
import { PROGRESS_EXECUTION, type Recorder } from './Recorder.js';
import { Replay } from './Replay.js';
import { shrinkPlan } from './shrink.js';
import { traceKey } from './traces.js';
import { FootprintLog } from '../../core/sched/Footprint.js';
import { ownsSubtree, withoutExecutions, type RunPart } from '../splitRun.js';
import { outcomeList } from '../outcome/Outcome.js';

export interface ExploreOptions {
  mode?: ExploreMode;
  budget?: number;
  seed?: number;
  preemptions?: number;
  /** Injected clock for `exploration.ms` (the model itself never reads it). */
  now?: () => number;
  /** --bail: stop at the first execution that violates anything (still minimised and reported). */
  stopAtFirst?: boolean;
  /** CONFIG_DEBUG_VM: check the model's consistency after every step (--check-model). */
  checkModel?: boolean;
  /** Explore only this part of the run's subtrees (`--shard I/N` on a single run; see splitRun.ts). */
  part?: RunPart;
  /**
   * Shared memory the run's progress is mirrored into, so that whoever stops a run that overran its
   * time budget can name the execution in progress: see Recorder.progress.
   */
  progress?: Int32Array;
  /**
   * Date.now() after which exploration stops at the end of the execution in progress (the whole
   * command's --time-budget): the run is then reported with `complete: false`, `cut: "time-budget"`
   * and what it covered. The only wall-clock read in exploration; a run it does not cut is
   * byte-identical whatever the budget.
   */
  deadline?: number;
  /**
   * State caching (`--state-cache`, `explore.state_cache`): plain DFS skips every choice point
   * whose state it expanded already (see StateHash). DFS only; not for cost workloads (their
   * claims are judged on every execution's cost).
   */
  stateCache?: boolean;
}

/** Does this run cache states? Asked for, plain DFS, and no cost claim to judge over every execution. */
export function cachesStates(w: Workload, mode: ExploreMode, opts: { stateCache?: boolean }): boolean {
  return (opts.stateCache ?? w.explore.state_cache) && mode === 'dfs' && w.claim === undefined;
}

export interface Best {
  v: Violation;
  plan: number[];
  preemptions: number;
  steps: number;
}

/** Is this counterexample smaller: fewer preemptions, then fewer steps, then the smaller plan? */
function better(pre: number, steps: number, plan: number[], b: Best): boolean {
  if (pre !== b.preemptions) return pre < b.preemptions;
  if (steps !== b.steps) return steps < b.steps;
  for (let i = 0; i < Math.min(plan.length, b.plan.length); i++) if (plan[i] !== b.plan[i]) return plan[i]! < b.plan[i]!;
  return plan.length < b.plan.length;
}

/** Replay one schedule with tracing on. */
export function replayExecution(w: Workload, kernel: Kernel, plan: number[], checkModel = false, strict = false) {
  const chooser = new Replay(plan, strict);
  chooser.begin();
  const ex = new Execution(w, kernel, chooser, { trace: true, maxSteps: w.explore.steps, checkModel });
  const r = ex.run();
  chooser.check();
  return { result: r, trace: ex.k.sched.trace ?? [], preemptions: chooser.preemptions };
}

/** How many executions a run explores in one piece before the rest is split into subtrees. */
export const SPLIT_AFTER = 2000;

/**
 * Runs are split only under a generous budget: the pieces share what is left of it equally (so the
 * result does not depend on how many threads explore them), which would cut a large piece short
 * under a tight budget. A tight budget explores in plain DFS order instead.
 */
export const SPLIT_MIN_BUDGET = 100_000;

export function splits(mode: ExploreMode, budget: number, stopAtFirst = false, stateCache = false): boolean {
  // DPOR adds backtrack points to earlier states as it learns races: its pieces are not independent.
  // A state cache is one search's: split, each piece would expand what the others did.
  return mode === 'dfs' && budget >= SPLIT_MIN_BUDGET && !stopAtFirst && !stateCache;
}

/** What one piece of a run found: mergeable in any order into the same RunResult. */
export interface Segment {
  executions: number;
  /** DPOR: executions abandoned as sleep-set blocked (not judged, not counted in executions). */
  pruned: number;
  /** With countTraces: the distinct traces' keys. */
  traces: Set<string> | null;
  steps: number;
  complete: boolean;
  maxCp: number;
  costs: CostAccumulator;
  best: Map<string, Best>;
  error: string | null;
  errorPlan: number[] | null;
  firstViolationMs: number | null;
  /** When cut short by `stopAfter`: the DFS subtrees (as forced prefixes) still to explore. */
  rest: number[][] | null;
  /** Wall-clock time this piece took (not part of the model). */
  ms: number;
  /** The distinct user-visible outcomes the judged executions reached, with how many reached each. */
  outcomes: Map<string, number>;
  /** Stopped at its first violating execution (stopAtFirst). */
  bailed: boolean;
  /** herd7-style counts: judged executions that violated each invariant, and that violated any. */
  violating: Map<string, number>;
  violatingAny: number;
  /** Stopped by the deadline (the time budget) before it was done. */
  cut: boolean;
  /** State caching: states stored, and choice points skipped as expanded already (null: no caching). */
  states: { stored: number; revisits: number } | null;
}

/** A piece that explored nothing: the time budget ran out before it started. */
export function emptySegment(): Segment {
  return { executions: 0, pruned: 0, traces: null, steps: 0, complete: false, maxCp: 0, costs: new CostAccumulator(), best: new Map(), error: null, errorPlan: null, firstViolationMs: null, rest: null, ms: 0, outcomes: new Map(), bailed: false, violating: new Map(), violatingAny: 0, cut: true, states: null };
}

export interface SegmentOptions extends ExploreOptions {
  /** Explore only the DFS subtree below these forced choices (exhaustive modes). */
  prefix?: number[];
  /** Count the distinct Mazurkiewicz traces among the executions (see traces.ts); costs a footprint log. */
  countTraces?: boolean;
  /** Stop after this many executions and return the unexplored subtrees in `rest`. */
  stopAfter?: number;
}

/** Explore one piece of a run: the whole run, or (exhaustive) the subtree below a prefix. */
export function exploreSegment(w: Workload, kernel: Kernel, opts: SegmentOptions = {}): Segment {
  const now = opts.now ?? (() => 0);
  const t0 = now();
  const mode = opts.mode ?? w.explore.mode;
  const budget = opts.budget ?? w.explore.budget;
  const seed = opts.seed ?? w.explore.seed;
  const bound = opts.preemptions ?? w.explore.preemptions;
  let chooser: Recorder;
  let dfs: Dfs | Dpor | null = null;
  let pct: Pct | null = null;
  if (usesDpor(mode)) chooser = dfs = new Dpor(bound);
  else if (mode === 'dfs') chooser = dfs = new Dfs(bound, opts.prefix ?? [], cachesStates(w, mode, opts));
  else if (mode === 'pct') chooser = pct = new Pct(seed, w.explore.depth, 50);
  else chooser = new RandomWalk(seed);
  const checkModel = opts.checkModel === true;
  if (opts.progress) chooser.progress = opts.progress;

  if (opts.countTraces && chooser.footprints === null) chooser.footprints = new FootprintLog();
  const seg: Segment = { executions: 0, pruned: 0, traces: opts.countTraces ? new Set() : null, steps: 0, complete: false, maxCp: 0, costs: new CostAccumulator(), best: new Map(), error: null, errorPlan: null, firstViolationMs: null, rest: null, ms: 0, outcomes: new Map(), bailed: false, violating: new Map(), violatingAny: 0, cut: false, states: null };
  if (budget <= 0) return seg;
  const deadline = opts.deadline;
  if (deadline !== undefined && Date.now() >= deadline) {
    seg.cut = true;
    return seg;
  }
  for (;;) {
    chooser.begin();
    if (opts.progress) opts.progress[PROGRESS_EXECUTION] = seg.executions + 1;
    const ex = new Execution(w, kernel, chooser, { trace: false, maxSteps: w.explore.steps, checkModel });
    const r = ex.run();
    seg.steps += r.stats.steps;
    if (r.end.kind === 'pruned') {
      // Sleep-set blocked: a prefix of a trace explored already; nothing to judge.
      seg.pruned++;
      if (!dfs!.advance()) {
        seg.complete = true;
        break;
      }
      if (deadline !== undefined && Date.now() >= deadline) {
        seg.cut = true;
        break;
      }
      continue;
    }
    seg.executions++;
    if (seg.traces !== null) seg.traces.add(traceKey(chooser.footprints!));
    if (chooser.cp > seg.maxCp) seg.maxCp = chooser.cp;
    if (r.error !== null) {
      seg.error = r.error;
      seg.errorPlan = chooser.deviations;
      break;
    }
    seg.costs.add(r.stats);
    const o = ex.outcome.format();
    seg.outcomes.set(o, (seg.outcomes.get(o) ?? 0) + 1);
    if (r.violations.length && seg.firstViolationMs === null) seg.firstViolationMs = now() - t0;
    if (r.violations.length > 0) seg.violatingAny++;
    for (const inv of new Set(r.violations.map((v) => v.invariant))) seg.violating.set(inv, (seg.violating.get(inv) ?? 0) + 1);
    for (const v of r.violations) {
      const b = seg.best.get(v.invariant);
      if (b === undefined || better(chooser.preemptions, r.stats.steps, chooser.deviations, b)) {
        seg.best.set(v.invariant, { v, plan: chooser.deviations, preemptions: chooser.preemptions, steps: r.stats.steps });
      }
    }
    if (opts.stopAtFirst && r.violations.length) {
      seg.bailed = true;
      break;
    }
    if (dfs !== null) {
      if (opts.stopAfter !== undefined && seg.executions >= opts.stopAfter && dfs instanceof Dfs) {
        seg.rest = dfs.remaining();
        if (seg.rest.length === 0) seg.complete = true;
        break;
      }
      if (!dfs.advance()) {
        seg.complete = true;
        break;
      }
    }
    if (pct !== null) pct.k = Math.max(1, seg.maxCp);
    if (seg.executions >= budget) break;
    if (deadline !== undefined && Date.now() >= deadline) {
      seg.cut = true;
      break;
    }
  }
  seg.ms = now() - t0;
  if (dfs instanceof Dfs && dfs.visited !== null) seg.states = { stored: dfs.visited.size, revisits: dfs.visited.hits };
  return seg;
}

/** Split what is left of a budget over the subtrees, deterministically (the same for any --jobs). */
export function splitBudget(total: number, n: number): number[] {
  const each = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => each + (i < total % n ? 1 : 0));
}

/**
 * Merge a run's segments (the first one, then its subtrees in order) into its result: the smallest
 * counterexample per invariant, replayed with tracing for the report.
 */
export function finishRun(w: Workload, kernel: Kernel, mode: ExploreMode, bound: number, segs: Segment[], ms: number, checkModel = false, part: RunPart | null = null): RunResult {
  const costs = new CostAccumulator();
  const best = new Map<string, Best>();
  let executions = 0;
  let steps = 0;
  let error: string | null = null;
  let errorPlan: number[] | null = null;
  const exhaustive = isExhaustive(mode);
  let pruned = 0;
  const outcomes = new Map<string, number>();
  const violating = new Map<string, number>();
  let violatingAny = 0;
  const states = segs.some((s) => s.states !== null) ? { stored: 0, revisits: 0 } : null;
  for (const s of segs) {
    if (s.states !== null && states !== null) {
      states.stored += s.states.stored;
      states.revisits += s.states.revisits;
    }
    violatingAny += s.violatingAny;
    for (const [inv, n] of s.violating) violating.set(inv, (violating.get(inv) ?? 0) + n);
    pruned += s.pruned;
    for (const [o, n] of s.outcomes) outcomes.set(o, (outcomes.get(o) ?? 0) + n);
  }
  const bailed = segs.some((s) => s.bailed);
  // Complete when the root finished on its own, or every subtree it left was finished.
  // A part of a split run: complete when every subtree that was its share was finished.
  const share = (rest: number[][]) => (part === null ? rest.length : rest.filter((_, j) => ownsSubtree(part, j)).length);
  let complete = exhaustive && segs.length > 0 && (segs[0]!.complete || (segs[0]!.rest !== null && segs.length === 1 + share(segs[0]!.rest) && segs.slice(1).every((s) => s.complete)));
  for (const s of segs) {
    executions += s.executions;
    steps += s.steps;
    costs.merge(s.costs);
    if (s.error !== null && error === null) {
      error = s.error;
      errorPlan = s.errorPlan;
    }
    for (const [inv, b] of s.best) {
      const cur = best.get(inv);
      if (cur === undefined || better(b.preemptions, b.steps, b.plan, cur)) best.set(inv, b);
    }
  }
  if (error !== null) complete = false;
  const cut = segs.some((s) => s.cut);
  if (cut) complete = false;
  const violations: ViolationResult[] = [];
  for (const inv of [...best.keys()].sort()) {
    let b = best.get(inv)!;
    // DPOR keeps one schedule per equivalence class, not necessarily the class's cheapest, a
    // state cache skips the schedules below a state it met before (the cheaper way there among
    // them), and a bailed run kept the first it met: shrink their counterexamples as the sampling
    // modes' are.
    if (!exhaustive || usesDpor(mode) || bailed || states !== null) {
      const s = shrinkPlan(w, kernel, b, inv);
      b = { ...b, ...s };
    }
    const rp = replayExecution(w, kernel, b.plan, checkModel);
    const again = rp.result.violations.find((v) => v.invariant === inv);
    const shown = numberTrace(rp.trace, (again ?? b.v).step, inv);
    violations.push({
      invariant: inv,
      message: (again ?? b.v).message,
      replay: encodeToken({ workload: w.id, strategy: kernel.name, plan: b.plan }, w),
      preemptions: b.preemptions,
      steps: b.steps,
      executions: violating.get(inv) ?? 0,
      at: shown.at ?? 0,
      trace: shown.trace,
    });
  }
  const res: RunResult = {
    workload: w.id,
    strategy: kernel.name,
    verdict: error !== null ? 'error' : violations.length ? 'fail' : 'pass',
    violations,
    expected: null,
    matchesExpected: null,
    exploration: {
      mode: reportedMode(mode),
      executions,
      violating: violatingAny,
      complete,
      steps,
      ms: Math.round(ms),
      ...(exhaustive ? { preemptions: boundName(bound), reduction: usesDpor(mode) ? 'dpor' : 'none' } : {}),
      ...(bailed ? { bailed: true } : {}),
      ...(usesDpor(mode) ? { sleepBlocked: pruned } : {}),
      ...(states !== null ? { statesStored: states.stored, stateRevisits: states.revisits } : {}),
      ...(part !== null ? { part: { index: part.index, count: part.count, costs: costs.toData() } } : {}),
      ...(cut ? { cut: 'time-budget' as const } : {}),
    },
    cost: costs.summary(),
    outcomes: outcomeList(outcomes),
    ...(w.series !== undefined ? { series: w.series } : {}),
    ...(w.claim !== undefined ? { claim: w.claim } : {}),
  };
  if (error !== null) {
    res.error = error;
    res.errorReplay = encodeToken({ workload: w.id, strategy: kernel.name, plan: errorPlan ?? [] }, w);
  }
  return res;
}

/** The pieces a run is explored in: the first SPLIT_AFTER executions, then what they left, split. */
export function planSubtrees(first: Segment, budget: number): { prefix: number[]; budget: number }[] {
  if (first.rest === null || first.error !== null) return [];
  const left = Math.max(0, budget - first.executions);
  const budgets = splitBudget(left, first.rest.length);
  return first.rest.map((prefix, i) => ({ prefix, budget: budgets[i]! }));
}

/**
 * Explore the schedules of one workload on one kernel, judge each execution, and keep for every
 * violated invariant its smallest counterexample (fewest preemptions, then fewest steps).
 * Exhaustive runs are explored in pieces (the same pieces whatever --jobs says), so that worker
 * threads can share a large run and still produce the same result.
 */
export function explore(w: Workload, kernel: Kernel, opts: ExploreOptions = {}): RunResult {
  const now = opts.now ?? (() => 0);
  const t0 = now();
  const mode = opts.mode ?? w.explore.mode;
  const budget = opts.budget ?? w.explore.budget;
  const bound = opts.preemptions ?? w.explore.preemptions;
  const split = splits(mode, budget, opts.stopAtFirst, cachesStates(w, mode, opts));
  const first = exploreSegment(w, kernel, { ...opts, ...(split ? { stopAfter: Math.min(SPLIT_AFTER, budget) } : {}) });
  const part = opts.part ?? null;
  const segs = [part === null || part.index === 1 ? first : withoutExecutions(first)];
  planSubtrees(first, budget).forEach((sub, j) => {
    if (part === null || ownsSubtree(part, j)) segs.push(exploreSegment(w, kernel, { ...opts, prefix: sub.prefix, budget: sub.budget }));
  });
  return finishRun(w, kernel, mode, bound, segs, now() - t0, opts.checkModel === true, part);
}

export type { Stats };
