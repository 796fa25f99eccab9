import type { ExploreOptions, Segment } from '../explore/explore.js';

/** One piece of one run for a worker: enough to load the workload and resolve the strategy itself. */
export interface WorkItem {
  index: number;
  file: string;
  id: string;
  spec: string;
  kernelsYaml: string | null;
  /** Modules of extra strategies (--strategies-from) the registry must include. */
  strategyModules?: string[];
  opts: Omit<ExploreOptions, 'now' | 'progress'>;
  /** Explore only the DFS subtree below these forced choices; stop after this many executions. */
  prefix?: number[];
  stopAfter?: number;
  budget?: number;
  /** Shared with the pool: the execution in progress (see Recorder.progress). */
  progress: Int32Array;
}

/** A Segment as it crosses the thread boundary (the cost histograms flattened). */
export type SegmentData = Omit<Segment, 'costs' | 'best'> & { costs: ReturnType<Segment['costs']['toData']>; best: [string, unknown][] };

export type WorkerReply = { index: number; segment: SegmentData } | { index: number; error: string };
