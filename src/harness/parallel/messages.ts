import type { ExploreOptions } from '../explore/explore.js';
import type { RunResult } from '../results.js';

/** One run for a worker: enough to load the workload and resolve the strategy itself. */
export interface WorkItem {
  index: number;
  file: string;
  id: string;
  spec: string;
  kernelsYaml: string | null;
  /** Modules of extra strategies (--strategies-from) the registry must include. */
  strategyModules?: string[];
  opts: Omit<ExploreOptions, 'now' | 'progress'>;
  /** Shared with the pool: the execution in progress (see Recorder.progress). */
  progress: Int32Array;
}

export type WorkerReply = { index: number; result: RunResult } | { index: number; error: string };
