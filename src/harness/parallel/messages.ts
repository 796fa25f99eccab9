import type { ExploreOptions, Segment } from '../explore/explore.js';

/** One piece of one run for a worker: enough to load the workload and resolve the strategy itself. */
export interface WorkItem {
  index: number;
  file: string;
  id: string;
  spec: string;
  kernelsYaml: string | null;
  opts: Omit<ExploreOptions, 'now'>;
  prefix?: number[];
  stopAfter?: number;
  budget?: number;
}

/** A Segment as it crosses the thread boundary (the cost histograms flattened). */
export type SegmentData = Omit<Segment, 'costs' | 'best'> & { costs: ReturnType<Segment['costs']['toData']>; best: [string, unknown][] };

export type WorkerReply = { index: number; segment: SegmentData } | { index: number; error: string };
