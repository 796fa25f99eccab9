import { CostAccumulator } from './explore/CostAccumulator.js';
import type { Segment } from './explore/explore.js';
import { outcomeList } from './outcome/Outcome.js';
import { decodeToken } from './replayToken.js';
import type { RunResult, ViolationResult } from './results.js';

/**
 * One run's exploration split over shards (`--shard I/N` on a single run): every shard explores the
 * run's first piece (SPLIT_AFTER executions, the same on every machine), which leaves a list of DFS
 * subtrees; shard I explores the subtrees j with j mod N = I - 1. Part 1 also reports the first
 * piece. `faultline merge` adds the parts back into the result the unsplit run would have given.
 */
export interface RunPart {
  /** 1-based. */
  index: number;
  count: number;
}

/** Is subtree j (0-based, in the first piece's order) this part's? */
export function ownsSubtree(part: RunPart, j: number): boolean {
  return j % part.count === part.index - 1;
}

/** The first piece as a part other than 1 reports it: its subtrees, none of its executions. */
export function withoutExecutions(first: Segment): Segment {
  return { ...first, executions: 0, pruned: 0, traces: null, steps: 0, costs: new CostAccumulator(), best: new Map(), error: null, errorPlan: null, outcomes: new Map(), bailed: false, violating: new Map(), violatingAny: 0 };
}

export class CombineError extends Error {}

/** Is counterexample a smaller than b (fewer preemptions, then steps, then the smaller plan)? */
function smaller(a: ViolationResult, b: ViolationResult): boolean {
  if (a.preemptions !== b.preemptions) return a.preemptions < b.preemptions;
  if (a.steps !== b.steps) return a.steps < b.steps;
  const pa = decodeToken(a.replay)?.plan ?? [];
  const pb = decodeToken(b.replay)?.plan ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return pa[i]! < pb[i]!;
  return pa.length < pb.length;
}

/**
 * The parts of one split run (in part order) as the one result the unsplit run gives: executions,
 * steps, costs and outcomes added up, the smallest counterexample per invariant (the unsplit run
 * keeps the smallest over all its pieces by the same order), complete when every part was. The
 * caller judges it against its expect again.
 */
export function combineParts(parts: readonly RunResult[]): RunResult {
  const name = parts[0] ? `${parts[0].workload} × ${parts[0].strategy}` : '';
  if (parts.length > 0 && parts.every((p) => p.verdict === 'skip')) return structuredClone(parts[0]!);
  for (const p of parts) {
    // A part stopped by its time budget is an error without split information: it still joins.
    if (p.exploration.part === undefined && p.verdict !== 'error') throw new CombineError(`${name}: a part without its split information`);
    if (p.workload !== parts[0]!.workload || p.strategy !== parts[0]!.strategy) throw new CombineError(`${name}: parts of different runs (${p.workload} × ${p.strategy})`);
  }
  const r: RunResult = structuredClone(parts[0]!);
  const costs = new CostAccumulator();
  const outcomes = new Map<string, number>();
  const best = new Map<string, ViolationResult>();
  let executions = 0;
  let steps = 0;
  let ms = 0;
  let sleepBlocked = 0;
  let violating = 0;
  /** herd7's counts: every part's violating executions of each invariant add up, as executions do. */
  const perInvariant = new Map<string, number>();
  let complete = true;
  let error: RunResult | null = null;
  for (const p of parts) {
    executions += p.exploration.executions;
    steps += p.exploration.steps;
    ms += p.exploration.ms;
    sleepBlocked += p.exploration.sleepBlocked ?? 0;
    violating += p.exploration.violating ?? 0;
    complete &&= p.exploration.complete;
    if (p.exploration.part !== undefined) costs.merge(CostAccumulator.fromData(p.exploration.part.costs));
    for (const o of p.outcomes ?? []) outcomes.set(o.outcome, (outcomes.get(o.outcome) ?? 0) + o.count);
    for (const v of p.violations) {
      perInvariant.set(v.invariant, (perInvariant.get(v.invariant) ?? 0) + (v.executions ?? 0));
      const cur = best.get(v.invariant);
      if (cur === undefined || smaller(v, cur)) best.set(v.invariant, v);
    }
    if (p.verdict === 'error' && error === null) error = p;
  }
  r.exploration.executions = executions;
  r.exploration.steps = steps;
  r.exploration.ms = ms;
  r.exploration.complete = complete && error === null;
  if (r.exploration.sleepBlocked !== undefined) r.exploration.sleepBlocked = sleepBlocked;
  if (r.exploration.violating !== undefined) r.exploration.violating = violating;
  delete r.exploration.part;
  r.cost = costs.summary();
  if (r.outcomes !== undefined) r.outcomes = outcomeList(outcomes);
  r.violations = [...best.keys()].sort().map((k) => {
    const v = structuredClone(best.get(k)!);
    if (v.executions !== undefined) v.executions = perInvariant.get(k)!;
    return v;
  });
  delete r.error;
  delete r.errorReplay;
  if (error !== null) {
    r.verdict = 'error';
    if (error.error !== undefined) r.error = error.error;
    if (error.errorReplay !== undefined) r.errorReplay = error.errorReplay;
  } else r.verdict = r.violations.length ? 'fail' : 'pass';
  return r;
}
