import type { CostClaim } from '../cost/claims.js';
/** A loaded, validated workload: what the YAML says, with source positions kept for messages. */
import type { FeatureNeed } from '../features.js';

/**
 * `expect: { v5.18: skip }` and a skipped run's `expected`: the one entry of the outcome list (an
 * invariant id never reads `skip`).
 */
export const SKIP = 'skip';

export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export interface OpNode {
  /** The op's name (the single key of its YAML map, or the scalar for bare ops). */
  op: string;
  /** Validated arguments (the op definition's schema output). */
  args: unknown;
  /** Errors and signals the workload accepts from this op. */
  allow: string[];
  pos: SourcePos;
  /** "P.writer#2": thread and index, for traces. */
  label: string;
}

export interface VmaDecl {
  name: string;
  type: 'anon' | 'shmem';
  pages: number;
  prot: 'none' | 'r' | 'rw';
  file?: string;
}

export interface ThreadDecl {
  name: string;
  ops: OpNode[];
}

export interface ProcessDecl {
  name: string;
  vmas: VmaDecl[];
  threads: ThreadDecl[];
  /** Set when another process's thread forks this one: it starts at that fork, not at boot. */
  forkedBy: string | null;
}

/**
 * `exhaustive`: every schedule within the preemption bound, up to equivalence: DPOR (`dpor` says
 * so explicitly). `dfs`: every schedule within the bound, with no reduction (the reference DPOR
 * was checked against on every workload in configs/). `random`, `pct`: sampling.
 */
export type ExploreMode = 'exhaustive' | 'dfs' | 'random' | 'pct' | 'dpor';

/** Modes that explore every schedule (up to equivalence) within the preemption bound. */
export function isExhaustive(mode: ExploreMode): boolean {
  return mode === 'exhaustive' || mode === 'dpor' || mode === 'dfs';
}

/** Exhaustive modes that use partial-order reduction. */
export function usesDpor(mode: ExploreMode): boolean {
  return mode === 'exhaustive' || mode === 'dpor';
}

/** How results name a mode: the exhaustive ones are all `exhaustive` (with `reduction` saying how). */
export function reportedMode(mode: ExploreMode): string {
  return isExhaustive(mode) ? 'exhaustive' : mode;
}

/** `preemptions: unbounded`: no bound, so a complete exhaustive run covered every interleaving. */
export const UNBOUNDED = Number.POSITIVE_INFINITY;

/** How results and messages name a preemption bound. */
export function boundName(bound: number): number | 'unbounded' {
  return bound === UNBOUNDED ? 'unbounded' : bound;
}

export interface ExploreSpec {
  mode: ExploreMode;
  /** Preemption bound for exhaustive/dpor exploration (UNBOUNDED: none). */
  preemptions: number;
  /** Executions per workload × strategy. */
  budget: number;
  /** PCT depth. */
  depth: number;
  seed: number;
  /** Step bound of one execution (beyond it: livelock). */
  steps: number;
  /** How many spurious wakeups the explorer may inject per execution. */
  spurious_wakeups: number;
  /** Plain DFS keeps a visited set of states (StateHash): a state expanded once is not expanded again. */
  state_cache: boolean;
}

export interface Workload {
  /** Path under configs/ without .yaml, e.g. "gup-cow/bug1-dio-read-vs-fork". */
  id: string;
  file: string;
  title: string;
  family: string;
  refs: string[];
  pageSize: number;
  arch: { bits: 32 | 64; endian: 'little' | 'big' };
  limitPages: number;
  /** What swap is backed by: `disk` (asynchronous reads) unless the workload says `zram`. */
  swapDevice: 'disk' | 'zram';
  /** Ticks of a device transfer and of a page copy (docs/cost.md). */
  timing: { io: number; copy: number };
  /** A point of a `scale:` series: the file's id, the parameter and its value here. */
  series?: { id: string; param: string; value: number };
  /** The cost claim this workload measures (`cost:`). */
  claim?: CostClaim;
  processes: ProcessDecl[];
  explore: ExploreSpec;
  /** Violated invariants expected per strategy name (`[SKIP]`: a skip); `default` for the rest. Null if absent. */
  expect: Record<string, string[]> | null;
  /** Where each expect entry sits, for gate messages. */
  expectPos: Record<string, SourcePos>;
  /** The kernel features its ops need, each once, at the first op that needs it (file order). */
  needs: FeatureNeed[];
}
