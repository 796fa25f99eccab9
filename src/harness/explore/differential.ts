import type { Kernel } from '../../core/Strategy.js';
import { FootprintLog } from '../../core/sched/Footprint.js';
import { Execution } from '../runtime/Execution.js';
import type { Workload } from '../workload/types.js';
import { Dfs } from './Dfs.js';
import { exploreSegment } from './explore.js';
import { traceKey } from './traces.js';

/** What one exploration concluded: the violated invariants (sorted), or the error that stopped it. */
export interface Verdict {
  invariants: string[];
  error: string | null;
  executions: number;
  complete: boolean;
}

/**
 * Two schedules of one Mazurkiewicz trace (same trace key) that the model judged differently: the
 * dependency relation misses something a verdict depends on, so partial-order reduction may merge
 * schedules it must keep apart. The strongest check the differential tester makes.
 */
export interface ClassSplit {
  key: string;
  a: { plan: number[]; verdict: string };
  b: { plan: number[]; verdict: string };
}

export interface DfsWithClasses extends Verdict {
  /** Distinct trace classes reached. */
  classes: number;
  split: ClassSplit | null;
}

function verdictOf(invariants: readonly string[], end: string): string {
  return `${end}:${[...invariants].sort().join(',')}`;
}

/**
 * Plain bounded DFS over every schedule, with each execution's footprints logged: reports the
 * violated invariants and checks that every execution of one trace class got the same verdict.
 */
export function dfsWithClasses(w: Workload, kernel: Kernel, bound: number, budget: number): DfsWithClasses {
  const c = new Dfs(bound);
  c.footprints = new FootprintLog();
  const byKey = new Map<string, { plan: number[]; verdict: string }>();
  const invariants = new Set<string>();
  let split: ClassSplit | null = null;
  let executions = 0;
  let complete = false;
  let error: string | null = null;
  for (;;) {
    c.begin();
    const ex = new Execution(w, kernel, c, { trace: false, maxSteps: w.explore.steps });
    const r = ex.run();
    executions++;
    if (r.error !== null) {
      error = r.error;
      break;
    }
    for (const v of r.violations) invariants.add(v.invariant);
    const key = traceKey(c.footprints);
    // The end kind is part of the verdict: a livelock (step bound) and a clean end differ.
    const verdict = verdictOf(
      r.violations.map((v) => v.invariant),
      r.end.kind,
    );
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, { plan: c.deviations, verdict });
    else if (seen.verdict !== verdict && split === null) split = { key, a: seen, b: { plan: c.deviations, verdict } };
    if (!c.advance()) {
      complete = true;
      break;
    }
    if (executions >= budget) break;
  }
  return { invariants: [...invariants].sort(), error, executions, complete, classes: byKey.size, split };
}

/** DPOR at the same bound. */
export function dporVerdict(w: Workload, kernel: Kernel, bound: number, budget: number): Verdict {
  const s = exploreSegment(w, kernel, { mode: 'dpor', preemptions: bound, budget });
  return { invariants: [...s.best.keys()].sort(), error: s.error, executions: s.executions, complete: s.complete };
}

/** Plain DFS at the same bound with state caching (StateHash, VisitedStates). */
export function cachedVerdict(w: Workload, kernel: Kernel, bound: number, budget: number): Verdict & { statesStored: number } {
  const s = exploreSegment(w, kernel, { mode: 'dfs', preemptions: bound, budget, stateCache: true });
  return { invariants: [...s.best.keys()].sort(), error: s.error, executions: s.executions, complete: s.complete, statesStored: s.states?.stored ?? 0 };
}

/** A sampling exploration (random or PCT) at the same bound's workload: what it reports. */
export function sampledVerdict(w: Workload, kernel: Kernel, mode: 'random' | 'pct', seed: number, budget: number): Verdict {
  const s = exploreSegment(w, kernel, { mode, seed, budget });
  return { invariants: [...s.best.keys()].sort(), error: s.error, executions: s.executions, complete: false };
}

export interface Disagreement {
  kind: 'dpor-vs-dfs' | 'cached-vs-dfs' | 'class-split' | 'sampled-beyond-exhaustive' | 'error';
  detail: string;
}

function splitDisagreement(w: Workload, kernel: Kernel, bound: number, s: ClassSplit): Disagreement {
  return { kind: 'class-split', detail: `${w.id} on ${kernel.name} at preemption bound ${bound}: one trace class judged ${s.a.verdict} (plan ${s.a.plan.join(' ')}) and ${s.b.verdict} (plan ${s.b.plan.join(' ')})` };
}

export interface DifferentialResult {
  dfs: DfsWithClasses;
  dpor: Verdict;
  disagreements: Disagreement[];
}

/**
 * Explore one workload on one kernel with DPOR, with plain DFS and with plain DFS caching states at
 * the same preemption bound, and with random walks and PCT: DPOR and the cached DFS must report
 * exactly DFS's violated invariants, every trace class
 * must be judged alike, and the sampling modes must report nothing the exhaustive search does not
 * (a sampled schedule may need more preemptions than the bound: those are compared only when the
 * sampled counterexample fits the bound).
 */
export function differential(w: Workload, kernel: Kernel, opts: { bound: number; budget: number; seed: number; samples?: number }): DifferentialResult {
  const dfs = dfsWithClasses(w, kernel, opts.bound, opts.budget);
  const out: Disagreement[] = [];
  // Beyond the budget there is no reference to compare with (the class check above still ran).
  if (!dfs.complete && dfs.error === null) {
    if (dfs.split !== null) out.push(splitDisagreement(w, kernel, opts.bound, dfs.split));
    return { dfs, dpor: { invariants: [], error: null, executions: 0, complete: false }, disagreements: out };
  }
  const dpor = dporVerdict(w, kernel, opts.bound, opts.budget);
  const name = `${w.id} on ${kernel.name} at preemption bound ${opts.bound}`;
  if (dfs.error !== null || dpor.error !== null) {
    out.push({ kind: 'error', detail: `${name}: ${dfs.error ?? dpor.error}` });
    return { dfs, dpor, disagreements: out };
  }
  if (dfs.split !== null) out.push(splitDisagreement(w, kernel, opts.bound, dfs.split));
  if (dfs.complete && dpor.complete && dfs.invariants.join(',') !== dpor.invariants.join(',')) {
    out.push({ kind: 'dpor-vs-dfs', detail: `${name}: DFS found [${dfs.invariants.join(', ')}], DPOR [${dpor.invariants.join(', ')}]` });
  }
  // State caching must reach exactly what DFS reaches: a state skipped was expanded before.
  const cached = cachedVerdict(w, kernel, opts.bound, opts.budget);
  if (cached.error !== null) out.push({ kind: 'error', detail: `${name} (state cache): ${cached.error}` });
  else if (!cached.complete || cached.invariants.join(',') !== dfs.invariants.join(',')) {
    out.push({ kind: 'cached-vs-dfs', detail: `${name}: DFS found [${dfs.invariants.join(', ')}], DFS with state caching [${cached.invariants.join(', ')}]${cached.complete ? '' : ' (not complete)'}` });
  }
  if (dfs.complete && (opts.samples ?? 0) > 0) {
    for (const mode of ['random', 'pct'] as const) {
      const s = exploreSegment(w, kernel, { mode, seed: opts.seed, budget: opts.samples! });
      for (const [inv, b] of s.best) {
        if (b.preemptions <= opts.bound && !dfs.invariants.includes(inv)) {
          out.push({ kind: 'sampled-beyond-exhaustive', detail: `${name}: ${mode} (seed ${opts.seed}) found ${inv} with ${b.preemptions} preemption(s), exhaustive DFS did not (plan ${b.plan.join(' ')})` });
        }
      }
    }
  }
  return { dfs, dpor, disagreements: out };
}
