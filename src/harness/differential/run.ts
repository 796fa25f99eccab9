import { Rng } from '../explore/rng.js';
import { differential, type Disagreement } from '../explore/differential.js';
import type { Registry } from '../registry.js';
import { parseWorkload } from '../workload/load.js';
import { WorkloadError } from '../workload/WorkloadError.js';
import { generate, type Family } from './generate.js';

export interface DifferentialOptions {
  /** First seed; seeds from, from+1, ... are generated. */
  from: number;
  count: number;
  /** Executions each exploration may take; a DFS that does not finish within it is not compared. */
  budget: number;
  /** Random and PCT executions per run (0: skip the sampling check). */
  samples: number;
  /** Strategies per workload, drawn from its family's. */
  strategies: number;
  family?: Family;
  /** Stop starting new workloads after this many milliseconds (the caller's clock). */
  deadlineMs?: number;
  now?: () => number;
  onWorkload?: (seed: number, found: Disagreement[]) => void;
}

export interface DifferentialSummary {
  from: number;
  /** Seeds generated (workloads). */
  workloads: number;
  /** Generated workloads the loader refused (a generator bug: should stay 0). */
  rejected: { seed: number; error: string }[];
  /** Workload × strategy runs explored both ways. */
  runs: number;
  /** Runs whose DFS did not finish within the budget (not compared). */
  incomplete: number;
  byFamily: Record<string, number>;
  disagreements: (Disagreement & { seed: number; strategy: string })[];
  /** Set when the deadline stopped it before `count` workloads. */
  stoppedEarly: boolean;
}

/**
 * The differential tester: generate workloads from consecutive seeds, explore each (on a few of its
 * family's strategies) with DPOR and with plain DFS, and with random walks and PCT, and collect
 * every disagreement (see `differential`). The result names the seeds, so any finding can be
 * regenerated with `generate(seed)`.
 */
export function runDifferential(reg: Registry, o: DifferentialOptions): DifferentialSummary {
  const now = o.now ?? (() => 0);
  const sum: DifferentialSummary = { from: o.from, workloads: 0, rejected: [], runs: 0, incomplete: 0, byFamily: {}, disagreements: [], stoppedEarly: false };
  for (let seed = o.from; seed < o.from + o.count; seed++) {
    if (o.deadlineMs !== undefined && now() >= o.deadlineMs) {
      sum.stoppedEarly = true;
      break;
    }
    const g = generate(seed, o.family);
    sum.workloads++;
    sum.byFamily[g.family] = (sum.byFamily[g.family] ?? 0) + 1;
    let w;
    try {
      w = parseWorkload(g.yaml, `generated/${seed}.yaml`, `generated/${g.family}-${seed}`, reg);
    } catch (e) {
      sum.rejected.push({ seed, error: e instanceof WorkloadError ? e.message : String(e) });
      continue;
    }
    const names = reg.familyStrategies(g.family);
    const r = new Rng(seed ^ 0x5bd1e995);
    const chosen = new Set<string>();
    while (chosen.size < Math.min(o.strategies, names.length)) chosen.add(names[r.below(names.length)]!);
    const found: Disagreement[] = [];
    for (const s of chosen) {
      const d = differential(w, reg.resolve(s), { bound: w.explore.preemptions, budget: o.budget, seed, samples: o.samples });
      sum.runs++;
      if (!d.dfs.complete) sum.incomplete++;
      for (const x of d.disagreements) {
        sum.disagreements.push({ ...x, seed, strategy: s });
        found.push(x);
      }
    }
    o.onWorkload?.(seed, found);
  }
  return sum;
}
