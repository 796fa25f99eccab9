import type { Kernel } from '../core/Strategy.js';
import { explore, type ExploreOptions } from './explore/explore.js';
import type { Registry } from './registry.js';
import { encodeToken, decodeToken } from './replayToken.js';
import type { ResultsFile, RunResult } from './results.js';
import type { Workload } from './workload/types.js';
import { runOnWorkers, type Outcome } from './parallel/pool.js';
import { COST_NAMES } from '../core/stats.js';
import { summarize } from './results.js';

export interface PlannedRun {
  workload: Workload;
  spec: string;
  kernel: Kernel;
}

export interface PlanOptions {
  /** --strategy: these names instead of the family's strategies and the kernels. */
  strategies?: string[];
  /** --family: only workloads of this family. */
  family?: string;
}

/**
 * Which runs a comparison makes: each workload against every standalone strategy of its family and
 * every kernel timeline, unless --strategy names them.
 */
export function planRuns(workloads: Workload[], reg: Registry, opts: PlanOptions = {}): PlannedRun[] {
  const plans: PlannedRun[] = [];
  for (const w of workloads) {
    if (opts.family && w.family !== opts.family) continue;
    const specs = opts.strategies ?? [...reg.familyStrategies(w.family), ...reg.kernels.keys()];
    for (const spec of specs) plans.push({ workload: w, spec, kernel: reg.resolve(spec) });
  }
  return plans;
}

/** What `expect:` says for this strategy: its own entry, else `default`, else nothing. */
export function expectedFor(w: Workload, spec: string): string[] | null {
  if (w.expect === null) return null;
  return w.expect[spec] ?? w.expect.default ?? null;
}

export function judgeExpected(r: RunResult, expected: string[] | null): void {
  r.expected = expected === null ? null : [...expected].sort();
  if (expected === null) {
    r.matchesExpected = null;
    return;
  }
  const got = r.verdict === 'error' ? ['error'] : r.violations.map((v) => v.invariant).sort();
  r.matchesExpected = JSON.stringify(got) === JSON.stringify(r.expected);
}

/** Two specs with the same strategies run the same model: explore once, report under both names. */
function modelKey(w: Workload, k: Kernel): string {
  return `${w.id}|${k.parts.map((p) => p.name).sort().join('+')}`;
}

function renamed(r: RunResult, spec: string): RunResult {
  const retoken = (t: string) => {
    const d = decodeToken(t);
    return d ? encodeToken({ ...d, strategy: spec }) : t;
  };
  const c: RunResult = structuredClone(r);
  c.strategy = spec;
  for (const v of c.violations) v.replay = retoken(v.replay);
  if (c.errorReplay) c.errorReplay = retoken(c.errorReplay);
  return c;
}

export interface RunOptions extends ExploreOptions {
  onRun?: (r: RunResult, done: number, total: number) => void;
}

export function runPlans(plans: PlannedRun[], opts: RunOptions = {}): RunResult[] {
  const cache = new Map<string, RunResult>();
  const out: RunResult[] = [];
  for (const p of plans) {
    const key = modelKey(p.workload, p.kernel);
    const hit = cache.get(key);
    let r: RunResult;
    if (hit) r = renamed(hit, p.spec);
    else {
      r = explore(p.workload, p.kernel, opts);
      cache.set(key, r);
      r = structuredClone(r);
    }
    judgeExpected(r, expectedFor(p.workload, p.spec));
    out.push(r);
    opts.onRun?.(r, out.length, plans.length);
  }
  return out;
}

export function resultsFile(runs: RunResult[], seed: number, startedAt: string): ResultsFile {
  return { faultline: 1, seed, startedAt, runs };
}

export interface ParallelOptions extends RunOptions {
  /** Per-run wall-clock budget in ms (0: none); a run that overruns it is stopped and reported as `error`. */
  timeBudgetMs?: number;
  /** Ctrl-C: stop; runs not finished are left out of the result. */
  signal?: AbortSignal;
  strategyModules?: string[];
}

/** The `error` result of a run stopped from outside: its time budget, or its worker died. */
function stoppedRun(p: PlannedRun, o: Outcome, budgetMs: number, mode: string): RunResult {
  const cost: RunResult['cost'] = {};
  for (const c of COST_NAMES) cost[c] = summarize([]);
  const r: RunResult = {
    workload: p.workload.id,
    strategy: p.spec,
    verdict: 'error',
    violations: [],
    expected: null,
    matchesExpected: null,
    exploration: { mode: mode === 'dpor' ? 'exhaustive' : mode, executions: 0, complete: false, steps: 0, ms: budgetMs },
    cost,
  };
  if ('timeout' in o) {
    const { execution, plan } = o.timeout;
    r.exploration.executions = Math.max(0, execution - 1);
    r.error = `time budget of ${budgetMs / 1000} s per run hit ${execution > 0 ? `in execution ${execution}` : 'before the first execution'}; the run was stopped (a strategy hook that never returns, or too big an exploration: see --time-budget)`;
    if (plan !== null) r.errorReplay = encodeToken({ workload: p.workload.id, strategy: p.spec, plan });
    else r.error += '; the schedule in progress was too long to record, so there is no replay token';
  } else if ('died' in o) r.error = o.died;
  return r;
}

/**
 * runPlans on worker threads: the same results, in the same order, as runPlans, for every run that
 * finishes within its time budget. With `signal` aborted, the runs finished so far (in plan order,
 * with gaps closed) and `interrupted: true`.
 */
export async function runPlansParallel(plans: PlannedRun[], jobs: number, kernelsYaml: string | null, opts: ParallelOptions = {}): Promise<RunResult[] & { interrupted?: boolean }> {
  const unique = new Map<string, number>();
  const items: Parameters<typeof runOnWorkers>[0] = [];
  const { now: _now, onRun: _onRun, timeBudgetMs = 0, signal, strategyModules, ...explore } = opts;
  const firstPlan: PlannedRun[] = [];
  for (const p of plans) {
    const key = modelKey(p.workload, p.kernel);
    if (unique.has(key)) continue;
    unique.set(key, items.length);
    firstPlan.push(p);
    items.push({ file: p.workload.file, id: p.workload.id, spec: p.spec, kernelsYaml, opts: explore, ...(strategyModules?.length ? { strategyModules } : {}) });
  }
  const done = await runOnWorkers(items, jobs, { timeBudgetMs, ...(signal ? { signal } : {}) });
  const out: RunResult[] & { interrupted?: boolean } = [];
  for (const p of plans) {
    const i = unique.get(modelKey(p.workload, p.kernel))!;
    const o = done[i];
    if (o === undefined) {
      out.interrupted = true;
      continue;
    }
    const base = 'result' in o ? o.result : stoppedRun(firstPlan[i]!, o, timeBudgetMs, explore.mode ?? p.workload.explore.mode);
    const r = base.strategy === p.spec ? structuredClone(base) : renamed(base, p.spec);
    judgeExpected(r, expectedFor(p.workload, p.spec));
    out.push(r);
    opts.onRun?.(r, out.length, plans.length);
  }
  return out;
}
