/**
 * From results.json to what the cost half of a report says: for each cost claim, every strategy's
 * figure at each point of its series, how it grows, and whether the claim's predictions hold; and
 * for each workload, which strategies pay more than the others, for what, and how much.
 */
import type { RunResult } from '../results.js';
import { BOOKKEEPING } from './metrics.js';
import { parsePrediction, type CostClaim, type Growth } from './claims.js';

export interface ClaimRow {
  strategy: string;
  /** The claim's figure at each x (null where the run was skipped, crashed or not run). */
  values: (number | null)[];
  growth: Growth | null;
  /** Per unit of the series parameter, first point to last. */
  slope: number | null;
  /** Every run of the row ended in livelock: the cost has no bound. */
  livelock: boolean;
}

export interface PredictionCheck {
  strategy: string;
  prediction: string;
  /** null: not measured (the strategy did not run, or was skipped). */
  holds: boolean | null;
  why: string;
}

export interface ClaimResult {
  /** The series' id (the file), or the workload's. */
  id: string;
  claim: CostClaim;
  /** The series parameter, or null for one workload. */
  param: string | null;
  xs: number[];
  rows: ClaimRow[];
  checks: PredictionCheck[];
  status: 'confirmed' | 'not confirmed' | 'not measured';
}

/** constant, linear, or which side of the straight line the middle points fall. */
export function classifyGrowth(xs: readonly number[], ys: readonly number[]): { growth: Growth; slope: number } | null {
  const pts = xs.map((x, i) => [x, ys[i]] as const).filter((p): p is readonly [number, number] => p[1] !== null && p[1] !== undefined);
  if (pts.length < 2) return null;
  const [x0, y0] = pts[0]!;
  const [xn, yn] = pts[pts.length - 1]!;
  const slope = xn === x0 ? 0 : (yn - y0) / (xn - x0);
  if (pts.every(([, y]) => y === y0)) return { growth: 'constant', slope: 0 };
  const tol = Math.max(1, 0.05 * Math.abs(yn - y0));
  let above = 0;
  let linear = true;
  for (const [x, y] of pts) {
    const d = y - (y0 + slope * (x - x0));
    if (Math.abs(d) > tol) linear = false;
    above += d;
  }
  if (linear) return { growth: 'linear', slope };
  return { growth: above < 0 ? 'superlinear' : 'sublinear', slope };
}

function claimKey(r: RunResult): string | null {
  if (r.claim === undefined) return null;
  return r.series?.id ?? r.workload;
}

function figure(r: RunResult, c: CostClaim): number | null {
  if (r.verdict === 'skip' || r.verdict === 'error') return null;
  const s = r.cost[c.metric];
  return s === undefined ? null : s[c.aggregate];
}

export function analyseClaims(runs: readonly RunResult[]): ClaimResult[] {
  const groups = new Map<string, RunResult[]>();
  for (const r of runs) {
    const k = claimKey(r);
    if (k === null) continue;
    let g = groups.get(k);
    if (g === undefined) groups.set(k, (g = []));
    g.push(r);
  }
  const out: ClaimResult[] = [];
  for (const [id, g] of groups) {
    const claim = g[0]!.claim!;
    const param = g[0]!.series?.param ?? null;
    const xs = param === null ? [0] : [...new Set(g.map((r) => r.series!.value))].sort((a, b) => a - b);
    const byStrategy = new Map<string, RunResult[]>();
    for (const r of g) {
      let l = byStrategy.get(r.strategy);
      if (l === undefined) byStrategy.set(r.strategy, (l = []));
      l.push(r);
    }
    const rows: ClaimRow[] = [];
    for (const [strategy, rs] of byStrategy) {
      const values = xs.map((x) => {
        const r = param === null ? rs[0] : rs.find((q) => q.series!.value === x);
        return r === undefined ? null : figure(r, claim);
      });
      const ran = rs.filter((r) => r.verdict !== 'skip' && r.verdict !== 'error');
      const cls = param === null ? null : classifyGrowth(xs, values as number[]);
      rows.push({
        strategy,
        values,
        growth: cls?.growth ?? null,
        slope: cls?.slope ?? null,
        livelock: ran.length > 0 && ran.every((r) => r.violations.some((v) => v.invariant === 'livelock')),
      });
    }
    const checks = checkPredictions(claim, rows);
    const status = checks.some((c) => c.holds === false) ? 'not confirmed' : checks.some((c) => c.holds === null) || checks.length === 0 ? 'not measured' : 'confirmed';
    out.push({ id, claim, param, xs, rows, checks, status });
  }
  return out;
}

function checkPredictions(claim: CostClaim, rows: readonly ClaimRow[]): PredictionCheck[] {
  const row = new Map(rows.map((r) => [r.strategy, r]));
  const checks: PredictionCheck[] = [];
  for (const [strategy, preds] of Object.entries(claim.expect)) {
    for (const prediction of preds) {
      const p = parsePrediction(prediction);
      const r = row.get(strategy);
      const measured = r !== undefined && r.values.some((v) => v !== null);
      if (typeof p === 'string' || !measured) {
        checks.push({ strategy, prediction, holds: null, why: r === undefined ? 'not run' : 'skipped or crashed at every point' });
        continue;
      }
      const vs = r.values;
      switch (p.kind) {
        case 'growth':
          checks.push({ strategy, prediction, holds: r.growth === p.growth, why: `grows: ${r.growth ?? 'unknown'}` });
          break;
        case 'zero':
          checks.push({ strategy, prediction, holds: vs.every((v) => v === null || v === 0), why: `figures ${vs.map((v) => v ?? '–').join(', ')}` });
          break;
        case 'nonzero':
          checks.push({ strategy, prediction, holds: vs.every((v) => v === null || v > 0), why: `figures ${vs.map((v) => v ?? '–').join(', ')}` });
          break;
        case 'livelock':
          checks.push({ strategy, prediction, holds: r.livelock, why: r.livelock ? 'every run ends in livelock' : 'terminates' });
          break;
        case 'compare': {
          const o = row.get(p.than);
          if (o === undefined || !o.values.some((v) => v !== null)) {
            checks.push({ strategy, prediction, holds: null, why: `${p.than} not measured` });
            break;
          }
          const pairs = vs.map((v, i) => [v, o.values[i]] as const).filter(([a, b]) => a !== null && b !== null) as [number, number][];
          const ok = pairs.length > 0 && pairs.every(([a, b]) => (p.rel === 'more' ? a > b : p.rel === 'less' ? a < b : a === b));
          checks.push({ strategy, prediction, holds: ok, why: `${vs.map((v) => v ?? '–').join(', ')} against ${o.values.map((v) => v ?? '–').join(', ')}` });
          break;
        }
      }
    }
  }
  return checks;
}

/** One metric of one workload where the strategies do not all pay the same. */
export interface CostDifference {
  workload: string;
  metric: string;
  /** The figure most strategies have, and how many have it. */
  usual: number;
  usualCount: number;
  /** Strategies away from it, grouped by figure, the costliest first. */
  others: { value: number; strategies: string[] }[];
}

/** Kernel timelines are compositions of the strategies: differences are reported among the candidates. */
const KERNEL_NAME = /^v\d/;

/**
 * Per workload (a series counts once, at its largest point), the metrics on which the candidate
 * strategies that ran differ, by the median execution, at most `perWorkload` of them in the order
 * of METRICS (pages first, then faults, locks and time). Bookkeeping metrics (steps, syscalls,
 * makespan) are left out, as are metrics that only restate another (forkCopies is in pageCopies).
 */
export function costDifferences(runs: readonly RunResult[], metrics: readonly string[], perWorkload = 6): CostDifference[] {
  const largest = new Map<string, number>();
  for (const r of runs) if (r.series) largest.set(r.series.id, Math.max(largest.get(r.series.id) ?? -Infinity, r.series.value));
  const byWorkload = new Map<string, RunResult[]>();
  for (const r of runs) {
    if (r.verdict === 'skip' || r.verdict === 'error' || KERNEL_NAME.test(r.strategy)) continue;
    if (r.series && r.series.value !== largest.get(r.series.id)) continue;
    let l = byWorkload.get(r.workload);
    if (l === undefined) byWorkload.set(r.workload, (l = []));
    l.push(r);
  }
  const out: CostDifference[] = [];
  for (const [workload, rs] of byWorkload) {
    if (rs.length < 2) continue;
    let shown = 0;
    for (const metric of metrics) {
      if (shown >= perWorkload) break;
      if (BOOKKEEPING.has(metric)) continue;
      const vals = rs.map((r) => ({ s: r.strategy, v: r.cost[metric]?.median })).filter((x): x is { s: string; v: number } => x.v !== undefined);
      if (vals.length < 2 || vals.every((x) => x.v === vals[0]!.v)) continue;
      const counts = new Map<number, string[]>();
      for (const x of vals) counts.set(x.v, [...(counts.get(x.v) ?? []), x.s]);
      // The usual figure: the one most strategies share; on a tie, the cheapest.
      const [usual, usualStrategies] = [...counts].sort((a, b) => b[1].length - a[1].length || a[0] - b[0])[0]!;
      const others = [...counts].filter(([v]) => v !== usual).sort((a, b) => b[0] - a[0]).map(([value, strategies]) => ({ value, strategies }));
      out.push({ workload, metric, usual, usualCount: usualStrategies.length, others });
      shown++;
    }
  }
  return out;
}
