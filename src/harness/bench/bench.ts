import { Bench } from 'tinybench';
import { Scheduler } from '../../core/sched/Scheduler.js';
import { SpinLock } from '../../core/sched/SpinLock.js';
import type { KGen, Task } from '../../core/sched/Task.js';
import { Replay } from '../explore/Replay.js';
import { explore, exploreSegment } from '../explore/explore.js';
import type { Registry } from '../registry.js';
import { planRuns, runPlans, runPlansParallel } from '../Runner.js';
import type { Workload } from '../workload/types.js';
import { renderScaledLine, runScaled, type ScaledFigures } from './scaled.js';

/** What `faultline bench --json` prints; the first fields are fixed by the contract. */
export interface BenchReport {
  stepsPerSecond: number;
  executionsPerSecond: number;
  /** The scheduler's inner loop alone (threads that only take a lock and yield). */
  schedulerStepsPerSecond: number;
  dfs: { executions: number; perWorkload: Record<string, number> };
  dpor: {
    executions: number;
    distinctTraces: number;
    /** Per bench workload: plain DFS, DPOR (plus its sleep-set-blocked executions) and the distinct traces DFS reaches. */
    perWorkload: Record<string, { dfs: number; dpor: number; sleepBlocked: number; distinctTraces: number; reached: number; perTrace: number }>;
  };
  matrix: { jobs1Seconds: number | null; jobs2Seconds: number | null; runs: number; executions: number };
  timeToFirstBugMs: Record<string, number>;
  /** Bug 1 scaled as the Spin anchor scales it (bench/), with Spin's figures when it is on PATH; null when skipped. */
  scaled: ScaledFigures[] | null;
}

/** The workloads the exploration figures are measured on. */
export const BENCH_WORKLOADS = ['gup-cow/bug1-dio-read-get', 'gup-cow/bug2-dio-write-get', 'gup-cow/cve-2020-29374-vmsplice', 'gup-cow/pin-ro-cow-shared'];

function schedulerLoop(threads: number, iterations: number): number {
  // The default schedule, no search: what the scheduler itself costs per step.
  const s = new Scheduler(new Replay([]), 10_000_000);
  const lock = new SpinLock(s, 'l');
  const obj = s.newObject();
  const body = function* (t: Task): KGen {
    for (let i = 0; i < iterations; i++) {
      yield* lock.lock(t);
      yield obj * 4 + 1;
      lock.unlock(t);
    }
  };
  for (let i = 0; i < threads; i++) s.spawn(`t${i}`, null, false, body);
  s.run();
  return s.steps;
}

export interface BenchOptions {
  workloads: Workload[];
  reg: Registry;
  kernelsYaml: string | null;
  /** Skip the whole-matrix timings (they take minutes). */
  quick: boolean;
  time: number;
  /** The scaled workloads' folder and each run's time cap in seconds; null: skip them. */
  scaled: { dir: string; capSeconds: number } | null;
}

export async function runBench(o: BenchOptions): Promise<BenchReport> {
  const byId = new Map(o.workloads.map((w) => [w.id, w]));
  const benchWs = BENCH_WORKLOADS.map((id) => byId.get(id)).filter((w): w is Workload => w !== undefined);
  const baseline = o.reg.resolve('mapcount-reuse');

  let schedSteps = 0;
  let steps = 0;
  let executions = 0;
  const bench = new Bench({ time: o.time, warmupTime: Math.min(200, o.time / 4) });
  bench.add('scheduler: 4 threads × lock/yield/unlock', () => {
    schedSteps = schedulerLoop(4, 2500);
  });
  for (const w of benchWs) {
    bench.add(`explore ${w.id} × mapcount-reuse`, () => {
      const r = explore(w, baseline, { mode: 'dfs' });
      steps = r.exploration.steps;
      executions = r.exploration.executions;
    });
  }
  bench.runSync();
  const tasks = bench.tasks;
  const mean = (i: number) => (tasks[i]?.result as { latency?: { mean: number } } | undefined)?.latency?.mean ?? NaN;
  const schedulerStepsPerSecond = Math.round(schedSteps / (mean(0) / 1000));
  // Steps and executions per second over all bench workloads, each weighted by its own run.
  let totalSteps = 0;
  let totalExecs = 0;
  let totalMs = 0;
  const perWorkload: Record<string, number> = {};
  const dpor: BenchReport['dpor'] = { executions: 0, distinctTraces: 0, perWorkload: {} };
  benchWs.forEach((w, i) => {
    const r = explore(w, baseline, { mode: 'dfs' });
    perWorkload[w.id] = r.exploration.executions;
    totalSteps += r.exploration.steps;
    totalExecs += r.exploration.executions;
    totalMs += mean(i + 1);
    // The limit: how many Mazurkiewicz traces the bounded DFS executions fall into.
    const dfsTraces = exploreSegment(w, baseline, { mode: 'dfs', countTraces: true }).traces!;
    const distinct = dfsTraces.size;
    const d = explore(w, baseline, { mode: 'dpor' });
    // Which of bounded DFS's classes DPOR reached: below all of them, the bound hid some from it.
    const dporTraces = exploreSegment(w, baseline, { mode: 'dpor', countTraces: true }).traces!;
    let reached = 0;
    for (const k of dporTraces) if (dfsTraces.has(k)) reached++;
    const perTrace = Math.round((d.exploration.executions / Math.max(1, distinct)) * 100) / 100;
    dpor.perWorkload[w.id] = { dfs: r.exploration.executions, dpor: d.exploration.executions, sleepBlocked: d.exploration.sleepBlocked ?? 0, distinctTraces: distinct, reached, perTrace };
    dpor.executions += d.exploration.executions;
    dpor.distinctTraces += distinct;
  });
  void steps;
  void executions;

  const timeToFirstBugMs: Record<string, number> = {};
  for (const w of o.workloads) {
    // The family's baseline: the kernel before any of the candidate fixes, where the seed's bug is.
    const fam = [...o.reg.strategies.values()].find((s) => s.family === w.family && s.baseline);
    if (!fam) continue;
    const exp = w.expect?.[fam.name] ?? w.expect?.default ?? [];
    if (!exp.length) continue;
    const t = performance.now();
    const r = explore(w, o.reg.resolve(fam.name), { stopAtFirst: true });
    // With stopAtFirst the run ends at its first violating execution (then replays it for its trace).
    if (r.violations.length > 0) timeToFirstBugMs[w.id] = Math.round((performance.now() - t) * 1000) / 1000;
  }

  let jobs1Seconds: number | null = null;
  let jobs2Seconds: number | null = null;
  const plans = planRuns(o.workloads, o.reg);
  let matrixExecs = 0;
  if (!o.quick) {
    let t = performance.now();
    const runs = runPlans(plans);
    jobs1Seconds = (performance.now() - t) / 1000;
    matrixExecs = runs.reduce((a, r) => a + r.exploration.executions, 0);
    t = performance.now();
    await runPlansParallel(plans, 2, o.kernelsYaml);
    jobs2Seconds = (performance.now() - t) / 1000;
  }
  return {
    stepsPerSecond: Math.round(totalSteps / (totalMs / 1000)),
    executionsPerSecond: Math.round(totalExecs / (totalMs / 1000)),
    schedulerStepsPerSecond,
    dfs: { executions: totalExecs, perWorkload },
    dpor,
    matrix: { jobs1Seconds, jobs2Seconds, runs: plans.length, executions: matrixExecs },
    timeToFirstBugMs,
    scaled: o.scaled ? runScaled(o.scaled.dir, o.scaled.capSeconds) : null,
  };
}

export function renderBench(b: BenchReport): string {
  const f = (n: number | null, d = 0) => (n === null ? 'n/a' : n.toLocaleString('en-US', { maximumFractionDigits: d }));
  const lines = [
    `scheduler inner loop      ${f(b.schedulerStepsPerSecond)} steps/s (one core)`,
    `exploration               ${f(b.stepsPerSecond)} steps/s, ${f(b.executionsPerSecond)} executions/s (one core; ${BENCH_WORKLOADS.length} workloads × mapcount-reuse)`,
    `DFS executions            ${Object.entries(b.dfs.perWorkload).map(([w, n]) => `${w} ${f(n)}`).join(', ')}`,
    `DFS / DPOR / distinct     ${Object.entries(b.dpor.perWorkload).map(([w, x]) => `${w} ${f(x.dfs)} / ${f(x.dpor)} (+${f(x.sleepBlocked)} sleep-blocked) / ${f(x.distinctTraces)}`).join(', ')}`,
    `DPOR per bounded trace    ${Object.entries(b.dpor.perWorkload).map(([w, x]) => `${w} ${x.perTrace} (reaches ${f(x.reached)} of ${f(x.distinctTraces)} classes)`).join(', ')}`,
    `whole configs/ matrix     ${b.matrix.runs} runs, ${f(b.matrix.executions)} executions: --jobs 1 ${f(b.matrix.jobs1Seconds, 1)} s, --jobs 2 ${f(b.matrix.jobs2Seconds, 1)} s`,
    `time to first bug (ms)    ${Object.entries(b.timeToFirstBugMs).map(([w, ms]) => `${w} ${f(ms, 1)}`).join(', ')}`,
  ];
  if (b.scaled) {
    lines.push('bug 1 scaled (bench/; fork-copy proven with --preemptions unbounded, mapcount-reuse with --bail; each a whole `faultline run` in its own process)');
    for (const f of b.scaled) lines.push(renderScaledLine(f));
  }
  return lines.join('\n');
}
