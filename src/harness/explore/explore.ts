import type { Kernel } from '../../core/Strategy.js';
import { COST_NAMES, type Stats } from '../../core/stats.js';
import type { Violation } from '../oracle/invariants.js';
import { encodeToken } from '../replayToken.js';
import { summarize, type RunResult, type ViolationResult } from '../results.js';
import { Execution } from '../runtime/Execution.js';
import type { ExploreMode, Workload } from '../workload/types.js';
import { Dfs } from './Dfs.js';
import { Pct } from './Pct.js';
import { RandomWalk } from './RandomWalk.js';
import { PROGRESS_EXECUTION, type Recorder } from './Recorder.js';
import { Replay } from './Replay.js';

export interface ExploreOptions {
  mode?: ExploreMode;
  budget?: number;
  seed?: number;
  preemptions?: number;
  /** Injected clock for `exploration.ms` (the model itself never reads it). */
  now?: () => number;
  /** CONFIG_DEBUG_VM: check the model's consistency after every step (--check-model). */
  checkModel?: boolean;
  /**
   * Shared memory the run's progress is mirrored into, so that whoever stops a run that overran its
   * time budget can name the execution in progress: see Recorder.progress.
   */
  progress?: Int32Array;
}

interface Best {
  v: Violation;
  plan: number[];
  preemptions: number;
  steps: number;
}

/** Replay one schedule with tracing on. */
export function replayExecution(w: Workload, kernel: Kernel, plan: number[], checkModel = false) {
  const chooser = new Replay(plan);
  chooser.begin();
  const ex = new Execution(w, kernel, chooser, { trace: true, maxSteps: w.explore.steps, checkModel });
  const r = ex.run();
  return { result: r, trace: ex.k.sched.trace ?? [], preemptions: chooser.preemptions };
}

/**
 * Explore the schedules of one workload on one kernel, judge each execution, and keep for every
 * violated invariant its smallest counterexample (fewest preemptions, then fewest steps), replayed
 * with tracing for the report.
 */
export function explore(w: Workload, kernel: Kernel, opts: ExploreOptions = {}): RunResult {
  const now = opts.now ?? (() => 0);
  const t0 = now();
  const mode = opts.mode ?? w.explore.mode;
  const budget = opts.budget ?? w.explore.budget;
  const seed = opts.seed ?? w.explore.seed;
  const bound = opts.preemptions ?? w.explore.preemptions;
  let chooser: Recorder;
  let dfs: Dfs | null = null;
  let pct: Pct | null = null;
  if (mode === 'exhaustive' || mode === 'dpor') chooser = dfs = new Dfs(bound);
  else if (mode === 'pct') chooser = pct = new Pct(seed, w.explore.depth, 50);
  else chooser = new RandomWalk(seed);
  const checkModel = opts.checkModel === true;
  if (opts.progress) chooser.progress = opts.progress;

  const costs: Record<string, number[]> = {};
  for (const c of COST_NAMES) costs[c] = [];
  const best = new Map<string, Best>();
  let executions = 0;
  let steps = 0;
  let complete = false;
  let error: string | null = null;
  let errorPlan: number[] | null = null;
  let maxCp = 0;

  for (;;) {
    chooser.begin();
    if (opts.progress) opts.progress[PROGRESS_EXECUTION] = executions + 1;
    const ex = new Execution(w, kernel, chooser, { trace: false, maxSteps: w.explore.steps, checkModel });
    const r = ex.run();
    executions++;
    steps += r.stats.steps;
    if (chooser.cp > maxCp) maxCp = chooser.cp;
    if (r.error !== null) {
      error = r.error;
      errorPlan = chooser.deviations;
      break;
    }
    const st = r.stats as unknown as Record<string, number>;
    for (const c of COST_NAMES) costs[c]!.push(st[c]!);
    for (const v of r.violations) {
      const b = best.get(v.invariant);
      if (b === undefined || chooser.preemptions < b.preemptions || (chooser.preemptions === b.preemptions && r.stats.steps < b.steps)) {
        best.set(v.invariant, { v, plan: chooser.deviations, preemptions: chooser.preemptions, steps: r.stats.steps });
      }
    }
    if (dfs !== null) {
      if (!dfs.advance()) {
        complete = true;
        break;
      }
    }
    if (pct !== null) pct.k = Math.max(1, maxCp);
    if (executions >= budget) break;
  }
  if (dfs === null) complete = false;

  const violations: ViolationResult[] = [];
  for (const inv of [...best.keys()].sort()) {
    const b = best.get(inv)!;
    const rp = replayExecution(w, kernel, b.plan, checkModel);
    const again = rp.result.violations.find((v) => v.invariant === inv);
    violations.push({
      invariant: inv,
      message: (again ?? b.v).message,
      replay: encodeToken({ workload: w.id, strategy: kernel.name, plan: b.plan }),
      preemptions: b.preemptions,
      steps: b.steps,
      at: (again ?? b.v).step,
      trace: rp.trace,
    });
  }
  const cost: RunResult['cost'] = {};
  for (const c of COST_NAMES) cost[c] = summarize(costs[c]!);
  const res: RunResult = {
    workload: w.id,
    strategy: kernel.name,
    verdict: error !== null ? 'error' : violations.length ? 'fail' : 'pass',
    violations,
    expected: null,
    matchesExpected: null,
    exploration: { mode: mode === 'dpor' ? 'exhaustive' : mode, executions, complete, steps, ms: Math.round(now() - t0), ...(dfs ? { preemptions: bound } : {}) },
    cost,
  };
  if (error !== null) {
    res.error = error;
    res.errorReplay = encodeToken({ workload: w.id, strategy: kernel.name, plan: errorPlan ?? [] });
  }
  return res;
}

export type { Stats };
