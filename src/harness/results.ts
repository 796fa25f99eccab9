import type { RealReport } from './real/real.js';
import type { OutcomeCount } from './outcome/Outcome.js';
import type { CostClaim } from './cost/claims.js';
import type { TraceEvent } from '../core/trace.js';
import type { CostData } from './explore/CostAccumulator.js';

/** results.json, as the contract fixes it. */
export interface ResultsFile {
  faultline: 1;
  seed: number;
  startedAt: string;
  runs: RunResult[];
  /** `faultline real`: the real kernel's outcomes held to the model's (src/harness/real/real.ts). */
  real?: RealReport;
  /** The --strategies-from modules the run loaded (relative to the folder it ran in): replay needs them too. */
  strategiesFrom?: string[];
  /** Present only in the results of one `--shard I/N` part; `faultline merge` removes it. */
  shard?: ShardInfo;
}

export interface ShardInfo {
  /** 1-based, as on the command line. */
  index: number;
  count: number;
  /** Runs in the whole, unsharded comparison. */
  total: number;
  /** Where each of this shard's runs stands in the unsharded order, one entry per run. */
  positions: number[];
  /** A single run whose exploration was split over the shards: every shard holds a part of it. */
  split?: true;
}

export interface ViolationResult {
  invariant: string;
  message: string;
  replay: string;
  /**
   * How many of the run's judged executions (`exploration.executions`, counted as its explorer
   * counts them: one per DPOR equivalence class, every schedule for dfs, every sample otherwise)
   * violated this invariant: how narrow the race is, as herd7 counts states.
   * Absent in results written before these counts existed.
   */
  executions?: number;
  /** Of the minimised counterexample. */
  preemptions: number;
  steps: number;
  /** The trace event at which the invariant was found violated (0: none), in the trace's numbering. */
  at: number;
  /** As shown: events numbered 1..n in the order they happened (numberTrace). */
  trace: TraceEvent[];
}

export interface CostSummary {
  min: number;
  median: number;
  max: number;
}

export interface RunResult {
  workload: string;
  strategy: string;
  /** skip: a named kernel that lacks a feature the workload needs; nothing was explored. */
  verdict: 'pass' | 'fail' | 'error' | 'skip';
  /** With verdict skip: `<feature>: <release that added it>, <commit>`. */
  skip?: string;
  violations: ViolationResult[];
  /** Invariant ids, sorted; `["skip"]` for `expect: { v5.18: skip }`; null without expect. */
  expected: string[] | null;
  matchesExpected: boolean | null;
  exploration: {
    mode: string;
    executions: number;
    /** Of those, the executions that violated any invariant. */
    violating?: number;
    complete: boolean;
    steps: number;
    ms: number;
    /** The bound explored within, or `unbounded`. */
    preemptions?: number | 'unbounded';
    /** Stopped at its first violating execution (--bail): not complete, whatever it found. */
    bailed?: boolean;
    /** Exhaustive runs: `dpor` (one schedule per equivalence class, as far as the bound allows) or `none` (plain DFS). */
    reduction?: 'dpor' | 'none';
    /** DPOR: executions abandoned because they could only repeat an explored trace (not in `executions`). */
    sleepBlocked?: number;
    /** State caching (plain DFS): distinct states expanded, and choice points skipped because their state was expanded already. */
    statesStored?: number;
    stateRevisits?: number;
    /** One part of a run split over shards (`--shard I/N` on one run); `faultline merge` removes it. */
    part?: { index: number; count: number; costs: CostData };
    /** The whole command's --time-budget ran out before this run was done: `executions` is what it covered. */
    cut?: 'time-budget';
  };
  /**
   * Over the explored executions (DPOR: about one per trace; DFS: every schedule in the bound).
   * Ticks do not depend on which representative of a trace ran (docs/cost.md), so min and max
   * are figures of the traces; the median weighs them by how often the explorer visited each.
   */
  cost: Record<string, CostSummary>;
  /**
   * herd7's states: the distinct user-visible outcomes (see outcome/Outcome.ts) the judged executions
   * reached, sorted by text; `count` is how many explored executions reached each. Under DPOR that
   * is one execution per explored trace class, so counts depend on the reduction (dfs counts every
   * schedule) while the set does not: equivalent schedules read and return the same things.
   */
  outcomes?: OutcomeCount[];
  /** A point of a `scale:` series: the file's id, its parameter and the value here. */
  series?: { id: string; param: string; value: number };
  /** The cost claim the workload measures (its `cost:` section). */
  claim?: CostClaim;
  error?: string;
  errorReplay?: string;
}

export function summarize(values: number[]): CostSummary {
  if (values.length === 0) return { min: 0, median: 0, max: 0 };
  const s = [...values].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor((s.length - 1) / 2)]!, max: s[s.length - 1]! };
}
