import { SKIP, reportedMode, type ExploreMode } from './workload/types.js';
import type { Kernel } from '../core/Strategy.js';
import { SPLIT_AFTER, cachesStates, splits, explore, emptySegment, finishRun, planSubtrees, type Best, type ExploreOptions, type Segment } from './explore/explore.js';
import type { Registry } from './registry.js';
import { encodeToken, decodeToken } from './replayToken.js';
import type { ResultsFile, RunResult } from './results.js';
import type { Workload } from './workload/types.js';
import { GRACE_MS, WATCHDOG_MS, runQueue, type NewItem, type Outcome } from './parallel/pool.js';
import { CostAccumulator } from './explore/CostAccumulator.js';
import { COST_NAMES } from '../core/stats.js';
import { summarize } from './results.js';
import { ownsSubtree, withoutExecutions } from './splitRun.js';

export interface PlannedRun {
  workload: Workload;
  spec: string;
  kernel: Kernel;
  /** The spec is a kernel that lacks a feature the workload needs: the run is a skip, with this reason. */
  skip?: string;
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
    for (const spec of specs) {
      const skip = reg.skipReason(w, spec);
      plans.push({ workload: w, spec, kernel: reg.resolve(spec), ...(skip !== null ? { skip } : {}) });
    }
  }
  return plans;
}

/**
 * The result of a run its kernel cannot make: nothing explored, nothing violated, the reason kept.
 * Not `complete`: a skip proves nothing about the schedules it did not explore.
 */
export function skippedRun(p: PlannedRun, mode: ExploreMode): RunResult {
  return {
    workload: p.workload.id,
    strategy: p.spec,
    verdict: 'skip',
    skip: p.skip!,
    violations: [],
    expected: null,
    matchesExpected: null,
    exploration: { mode: reportedMode(mode), executions: 0, complete: false, steps: 0, ms: 0 },
    cost: {},
    ...(p.workload.series !== undefined ? { series: p.workload.series } : {}),
    ...(p.workload.claim !== undefined ? { claim: p.workload.claim } : {}),
  };
}

/**
 * What `expect:` says for this strategy: its own entry, else `default`, else nothing. `default`
 * speaks of runs that run: a skipped run is judged only by an entry of its own (`v5.18: skip`), so
 * that a workload need not list every kernel too old for it, and one that lists a kernel with
 * invariants (an outcome that kernel could never have produced) is a mismatch.
 */
export function expectedFor(w: Workload, spec: string, skipped = false): string[] | null {
  if (w.expect === null) return null;
  const own = w.expect[spec];
  if (own !== undefined) return own;
  return skipped ? null : (w.expect.default ?? null);
}

export function judgeExpected(r: RunResult, expected: string[] | null): void {
  r.expected = expected === null ? null : [...expected].sort();
  if (expected === null) {
    r.matchesExpected = null;
    return;
  }
  const got = r.verdict === 'error' ? ['error'] : r.verdict === 'skip' ? [SKIP] : r.violations.map((v) => v.invariant).sort();
  if (r.exploration.bailed === true) {
    // --bail stopped at the first violating execution: what it found must be expected, and it can
    // only have found something where something is expected.
    r.matchesExpected = got.length > 0 && got.every((g) => r.expected!.includes(g));
    return;
  }
  r.matchesExpected = JSON.stringify(got) === JSON.stringify(r.expected);
}

/** Two specs with the same strategies run the same model: explore once, report under both names. */
export function modelKey(w: Workload, k: Kernel): string {
  return `${w.id}|${k.parts.map((p) => p.name).sort().join('+')}`;
}

function renamed(r: RunResult, spec: string, w: Workload): RunResult {
  const retoken = (t: string) => {
    const d = decodeToken(t);
    return d ? encodeToken({ workload: d.workload, strategy: spec, plan: d.plan }, w) : t;
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
    if (p.skip !== undefined) r = skippedRun(p, opts.mode ?? p.workload.explore.mode);
    else if (hit) r = renamed(hit, p.spec, p.workload);
    else {
      r = explore(p.workload, p.kernel, opts);
      cache.set(key, r);
      r = structuredClone(r);
      progress.executions += r.exploration.executions;
    }
    judgeExpected(r, expectedFor(p.workload, p.spec, r.verdict === 'skip'));
    out.push(r);
    opts.onRun?.(r, out.length, plans.length);
    progress.done++;
    if (r.verdict !== 'pass' && r.verdict !== 'skip') progress.failures++;
    opts.onProgress?.({ ...progress });
  }
  return out;
}

export function resultsFile(runs: RunResult[], seed: number, startedAt: string): ResultsFile {
  return { faultline: 1, seed, startedAt, runs };
}

export interface ParallelOptions extends RunOptions {
  /** An execution running this long (ms) without ending is stopped and its run reported as `error`. */
  watchdogMs?: number;
  /** Ctrl-C: stop; runs not finished are left out of the result. */
  signal?: AbortSignal;
  strategyModules?: string[];
}

/** The `error` result of a run stopped from outside: an execution that did not end, or its worker died. */
function stoppedRun(p: PlannedRun, o: Outcome, mode: string): RunResult {
  const cost: RunResult['cost'] = {};
  for (const c of COST_NAMES) cost[c] = summarize([]);
  const r: RunResult = {
    workload: p.workload.id,
    strategy: p.spec,
    verdict: 'error',
    violations: [],
    expected: null,
    matchesExpected: null,
    exploration: { mode: reportedMode(mode as ExploreMode), executions: 0, complete: false, steps: 0, ms: 0 },
    cost,
    ...(p.workload.series !== undefined ? { series: p.workload.series } : {}),
    ...(p.workload.claim !== undefined ? { claim: p.workload.claim } : {}),
  };
  if ('timeout' in o) {
    const { execution, plan, why } = o.timeout;
    r.exploration.executions = Math.max(0, execution - 1);
    const where = execution > 0 ? `execution ${execution}` : 'the run, before its first execution,';
    r.error =
      why === 'budget'
        ? `${where} did not end within ${GRACE_MS / 1000} s of the time budget running out; the run was stopped (a strategy hook that never returns?)`
        : `${where} ran for ${WATCHDOG_MS / 1000} s without ending; the run was stopped (a strategy hook that never returns?)`;
    if (plan !== null) r.errorReplay = encodeToken({ workload: p.workload.id, strategy: p.spec, plan }, p.workload);
    else r.error += '; the schedule in progress was too long to record, so there is no replay token';
  } else if ('died' in o) r.error = o.died;
  return r;
}

/**
 * runPlans on worker threads, run by run and (for large exhaustive runs) piece by piece: the same
 * results, in the same order, as runPlans, for every run that finishes within its time budget. With
 * `signal` aborted, the runs finished so far (in plan order, gaps closed) and `interrupted: true`.
 */
export async function runPlansParallel(plans: PlannedRun[], jobs: number, kernelsYaml: string | null, opts: ParallelOptions = {}, workerUrl?: URL): Promise<RunResult[] & { interrupted?: boolean }> {
  const { now: _now, onRun: _onRun, onProgress: _onProgress, watchdogMs, signal, strategyModules, ...explore } = opts;
  // One job per distinct model: its first piece, then the subtrees that piece left.
  interface Job { plan: PlannedRun; first: Segment | null; subs: (Segment | null)[]; left: number; weight: number; stopped: Outcome | null }
  const jobsByKey = new Map<string, Job>();
  const initial: NewItem[] = [];
  const itemJob: { job: Job; sub: number }[] = [];
  const base = (p: PlannedRun) => ({ file: p.workload.file, id: p.workload.id, spec: p.spec, kernelsYaml, opts: explore, ...(strategyModules?.length ? { strategyModules } : {}) });
  for (const p of plans) {
    if (p.skip !== undefined) continue;
    const key = modelKey(p.workload, p.kernel);
    const seen = jobsByKey.get(key);
    if (seen) {
      // Progress counts runs, not explorations: a kernel that is one strategy rides along.
      seen.weight++;
      continue;
    }
    const job: Job = { plan: p, first: null, subs: [], left: 1, weight: 1, stopped: null };
    jobsByKey.set(key, job);
    const budget = opts.budget ?? p.workload.explore.budget;
    const mode = opts.mode ?? p.workload.explore.mode;
    const split = splits(mode, budget, opts.stopAtFirst, cachesStates(p.workload, mode, opts));
    initial.push({ ...base(p), ...(split ? { stopAfter: Math.min(SPLIT_AFTER, budget) } : {}) });
    itemJob.push({ job, sub: -1 });
  }
  // Skips explore nothing: they are done before the first worker starts.
  const progress: Progress = { done: plans.filter((p) => p.skip !== undefined).length, total: plans.length, executions: 0, failures: 0 };
  const failed = new Set<Job>();
  await runQueue(
    initial,
    jobs,
    (item, o) => {
      const { job, sub } = itemJob[item.index]!;
      let more: { prefix: number[]; budget: number }[] = [];
      if ('skipped' in o) {
        // The time budget ran out before this piece started: the run covers what its other pieces did.
        const seg = emptySegment();
        if (sub >= 0) job.subs[sub] = seg;
        else job.first = seg;
      } else if (!('segment' in o)) {
        // A piece's execution did not end, or it lost its worker: the whole run is stopped.
        job.stopped ??= o;
        failed.add(job);
      } else {
        const data = o.segment;
        const seg: Segment = { ...data, costs: CostAccumulator.fromData(data.costs), best: new Map(data.best as [string, Best][]) };
        progress.executions += seg.executions;
        if (seg.best.size > 0 || seg.error !== null) failed.add(job);
        if (sub >= 0) job.subs[sub] = seg;
        else {
          job.first = seg;
          if (job.stopped === null) more = planSubtrees(seg, opts.budget ?? job.plan.workload.explore.budget);
          // One part of a run split over shards: only this shard's share of the subtrees.
          if (opts.part !== undefined) more = more.filter((_, j) => ownsSubtree(opts.part!, j));
          job.subs = more.map(() => null);
          job.left += more.length;
        }
      }
      if (--job.left === 0) {
        progress.done += job.weight;
        if (failed.has(job)) progress.failures += job.weight;
      }
      opts.onProgress?.({ ...progress });
      return more.map((m, i) => {
        itemJob.push({ job, sub: i });
        return { ...base(job.plan), prefix: m.prefix, budget: m.budget };
      });
    },
    { ...(explore.deadline !== undefined ? { deadline: explore.deadline } : {}), ...(watchdogMs !== undefined ? { watchdogMs } : {}), ...(signal ? { signal } : {}), ...(workerUrl ? { workerUrl } : {}) },
  );
  const results = new Map<string, RunResult>();
  let interrupted = false;
  for (const [key, job] of jobsByKey) {
    const w = job.plan.workload;
    const mode = opts.mode ?? w.explore.mode;
    if (job.stopped !== null) {
      results.set(key, stoppedRun(job.plan, job.stopped, mode));
      continue;
    }
    if (job.left > 0) {
      interrupted = true;
      continue;
    }
    const bound = opts.preemptions ?? w.explore.preemptions;
    const part = opts.part ?? null;
    const first = part === null || part.index === 1 ? job.first! : withoutExecutions(job.first!);
    const segs = [first, ...job.subs.map((s) => s!)];
    const ms = segs.reduce((a, s) => a + s.ms, 0);
    results.set(key, finishRun(w, job.plan.kernel, mode, bound, segs, ms, opts.checkModel === true, part));
  }
  const out: RunResult[] & { interrupted?: boolean } = [];
  if (interrupted) out.interrupted = true;
  for (const p of plans) {
    let r: RunResult;
    if (p.skip !== undefined) r = skippedRun(p, opts.mode ?? p.workload.explore.mode);
    else {
      const r0 = results.get(modelKey(p.workload, p.kernel));
      if (r0 === undefined) continue;
      r = r0.strategy === p.spec ? structuredClone(r0) : renamed(r0, p.spec, p.workload);
    }
    judgeExpected(r, expectedFor(p.workload, p.spec, r.verdict === 'skip'));
    out.push(r);
    opts.onRun?.(r, out.length, plans.length);
  }
  return out;
}
