import type { Kernel } from '../core/Strategy.js';
import { explore, type ExploreOptions } from './explore/explore.js';
import type { Registry } from './registry.js';
import { encodeToken, decodeToken } from './replayToken.js';
import type { ResultsFile, RunResult } from './results.js';
import type { Workload } from './workload/types.js';
import { runOnWorkers } from './parallel/pool.js';

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
export function modelKey(w: Workload, k: Kernel): string {
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

export interface Progress {
  /** Runs (workload × strategy) finished, of `total`. */
  done: number;
  total: number;
  /** Executions explored so far; a run that reuses another's exploration adds none. */
  executions: number;
  /** Finished runs whose verdict is not pass. */
  failures: number;
}

export interface RunOptions extends ExploreOptions {
  onRun?: (r: RunResult, done: number, total: number) => void;
  /** Called as runs finish, in the order they finish; for a progress line, never for results. */
  onProgress?: (p: Progress) => void;
}

export function runPlans(plans: PlannedRun[], opts: RunOptions = {}): RunResult[] {
  const cache = new Map<string, RunResult>();
  const out: RunResult[] = [];
  const progress: Progress = { done: 0, total: plans.length, executions: 0, failures: 0 };
  for (const p of plans) {
    const key = modelKey(p.workload, p.kernel);
    const hit = cache.get(key);
    let r: RunResult;
    if (hit) r = renamed(hit, p.spec);
    else {
      r = explore(p.workload, p.kernel, opts);
      cache.set(key, r);
      r = structuredClone(r);
      progress.executions += r.exploration.executions;
    }
    judgeExpected(r, expectedFor(p.workload, p.spec));
    out.push(r);
    opts.onRun?.(r, out.length, plans.length);
    progress.done++;
    if (r.verdict !== 'pass') progress.failures++;
    opts.onProgress?.({ ...progress });
  }
  return out;
}

export function resultsFile(runs: RunResult[], seed: number, startedAt: string): ResultsFile {
  return { faultline: 1, seed, startedAt, runs };
}

/** runPlans on worker threads: the same results, in the same order, as runPlans. */
export async function runPlansParallel(plans: PlannedRun[], jobs: number, kernelsYaml: string | null, opts: RunOptions = {}): Promise<RunResult[]> {
  const unique = new Map<string, number>();
  const items: Parameters<typeof runOnWorkers>[0] = [];
  /** How many plans each work item stands for, so progress counts runs, not explorations. */
  const weight: number[] = [];
  for (const p of plans) {
    const key = modelKey(p.workload, p.kernel);
    const u = unique.get(key);
    if (u !== undefined) {
      weight[u]!++;
      continue;
    }
    weight.push(1);
    unique.set(key, items.length);
    const { now: _now, onRun: _onRun, onProgress: _onProgress, ...explore } = opts;
    items.push({ file: p.workload.file, id: p.workload.id, spec: p.spec, kernelsYaml, opts: explore });
  }
  const progress: Progress = { done: 0, total: plans.length, executions: 0, failures: 0 };
  const done = await runOnWorkers(items, jobs, (i, r) => {
    progress.done += weight[i]!;
    progress.executions += r.exploration.executions;
    if (r.verdict !== 'pass') progress.failures += weight[i]!;
    opts.onProgress?.({ ...progress });
  });
  return plans.map((p, i) => {
    const base = done[unique.get(modelKey(p.workload, p.kernel))!]!;
    const r = base.strategy === p.spec ? structuredClone(base) : renamed(base, p.spec);
    judgeExpected(r, expectedFor(p.workload, p.spec));
    opts.onRun?.(r, i + 1, plans.length);
    return r;
  });
}
