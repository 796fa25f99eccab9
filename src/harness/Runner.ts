import type { Kernel } from '../core/Strategy.js';
import { SPLIT_AFTER, splits, explore, finishRun, planSubtrees, type Best, type ExploreOptions, type Segment } from './explore/explore.js';
import type { Registry } from './registry.js';
import { encodeToken, decodeToken } from './replayToken.js';
import type { ResultsFile, RunResult } from './results.js';
import type { Workload } from './workload/types.js';
import { runQueue } from './parallel/pool.js';
import type { WorkItem } from './parallel/messages.js';
import { CostAccumulator } from './explore/CostAccumulator.js';

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
export async function runPlansParallel(plans: PlannedRun[], jobs: number, kernelsYaml: string | null, opts: RunOptions = {}, workerUrl?: URL): Promise<RunResult[]> {
  const { now: _now, onRun: _onRun, onProgress: _onProgress, ...explore } = opts;
  const now = opts.now ?? (() => 0);
  // One entry per distinct model; its first segment, then its subtrees by position.
  interface Job { plan: PlannedRun; first: Segment | null; subs: (Segment | null)[]; left: number; weight: number }
  const jobsByKey = new Map<string, Job>();
  const initial: Omit<WorkItem, 'index'>[] = [];
  const itemJob = new Map<number, { job: Job; sub: number }>();
  let nextIndex = 0;
  for (const p of plans) {
    const key = modelKey(p.workload, p.kernel);
    const seen = jobsByKey.get(key);
    if (seen) {
      // Progress counts runs, not explorations: a kernel that is one strategy rides along.
      seen.weight++;
      continue;
    }
    const job: Job = { plan: p, first: null, subs: [], left: 1, weight: 1 };
    jobsByKey.set(key, job);
    const mode = opts.mode ?? p.workload.explore.mode;
    const budget = opts.budget ?? p.workload.explore.budget;
    const split = splits(mode, budget);
    initial.push({ file: p.workload.file, id: p.workload.id, spec: p.spec, kernelsYaml, opts: explore, ...(split ? { stopAfter: Math.min(SPLIT_AFTER, budget) } : {}) });
    itemJob.set(nextIndex++, { job, sub: -1 });
  }
  const progress: Progress = { done: 0, total: plans.length, executions: 0, failures: 0 };
  const failed = new Set<Job>();
  await runQueue(
    initial,
    jobs,
    (item, data) => {
      const { job, sub } = itemJob.get(item.index)!;
      const seg: Segment = { ...data, costs: CostAccumulator.fromData(data.costs), best: new Map(data.best as [string, Best][]) };
      progress.executions += seg.executions;
      if (seg.best.size > 0 || seg.error !== null) failed.add(job);
      const budget = opts.budget ?? job.plan.workload.explore.budget;
      const more = sub >= 0 ? [] : planSubtrees(seg, budget);
      if (sub >= 0) job.subs[sub] = seg;
      else {
        job.first = seg;
        job.subs = more.map(() => null);
        job.left += more.length;
      }
      if (--job.left === 0) {
        progress.done += job.weight;
        if (failed.has(job)) progress.failures += job.weight;
      }
      opts.onProgress?.({ ...progress });
      return more.map((m, i) => {
        itemJob.set(nextIndex++, { job, sub: i });
        return { file: job.plan.workload.file, id: job.plan.workload.id, spec: job.plan.spec, kernelsYaml, opts: explore, prefix: m.prefix, budget: m.budget };
      });
    },
    workerUrl,
  );
  const done = new Map<string, RunResult>();
  for (const [key, job] of jobsByKey) {
    const w = job.plan.workload;
    const mode = opts.mode ?? w.explore.mode;
    const bound = opts.preemptions ?? w.explore.preemptions;
    const segs = [job.first!, ...job.subs.map((s) => s!)];
    const ms = segs.reduce((a, s) => a + (s.ms ?? 0), 0);
    done.set(key, finishRun(w, job.plan.kernel, mode, bound, segs, ms));
  }
  void now;
  return plans.map((p, i) => {
    const base = done.get(modelKey(p.workload, p.kernel))!;
    const r = base.strategy === p.spec ? structuredClone(base) : renamed(base, p.spec);
    judgeExpected(r, expectedFor(p.workload, p.spec));
    opts.onRun?.(r, i + 1, plans.length);
    return r;
  });
}
