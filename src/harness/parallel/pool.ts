import { Worker } from 'node:worker_threads';
import { progressPlan } from '../explore/Recorder.js';
import type { RunResult } from '../results.js';
import type { WorkItem, WorkerReply } from './messages.js';

/** Int32 slots of a worker's progress buffer: the header and up to this many deviation numbers. */
const PROGRESS_SLOTS = 2 + 64 * 1024;

/** What became of one item: its result, or where it was when it overran its time budget. */
export type Outcome = { result: RunResult } | { timeout: { execution: number; plan: number[] | null } } | { died: string };

export interface PoolOptions {
  /**
   * Wall-clock budget per item, in ms (0: none). A worker still busy with an item after this long is
   * terminated (the only way to stop a hook that loops without yielding) and replaced.
   */
  timeBudgetMs?: number;
  /** Aborting stops handing out items and terminates the workers; unfinished items stay undefined. */
  signal?: AbortSignal;
  onOutcome?: (i: number, o: Outcome) => void;
}

/**
 * Explore work items on `jobs` worker threads, handing the next item to whichever worker finishes
 * first. Outcomes come back in item order, so the output does not depend on timing (except for an
 * item that overran its time budget).
 */
export async function runOnWorkers(items: Omit<WorkItem, 'index' | 'progress'>[], jobs: number, opts: PoolOptions = {}): Promise<(Outcome | undefined)[]> {
  const outcomes: (Outcome | undefined)[] = new Array(items.length);
  let next = 0;
  const workerUrl = new URL('./worker.js', import.meta.url);
  const n = Math.max(1, Math.min(jobs, items.length));
  const budget = opts.timeBudgetMs ?? 0;
  const live = new Set<Worker>();
  let stopped = false;
  const stopAll = () => {
    stopped = true;
    for (const w of live) void w.terminate();
  };
  if (opts.signal?.aborted) stopped = true;
  opts.signal?.addEventListener('abort', stopAll, { once: true });
  const lane = () =>
    new Promise<void>((resolve, reject) => {
      let w: Worker;
      let progress: Int32Array;
      let current = -1;
      let timer: NodeJS.Timeout | null = null;
      const settle = (index: number, o: Outcome) => {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        current = -1;
        outcomes[index] = o;
        opts.onOutcome?.(index, o);
      };
      const feed = () => {
        if (stopped || next >= items.length) {
          live.delete(w);
          void w.terminate().then(() => resolve());
          return;
        }
        current = next++;
        Atomics.store(progress, 0, 0);
        Atomics.store(progress, 1, 0);
        if (budget > 0) {
          timer = setTimeout(() => {
            const index = current;
            const at = progressPlan(progress);
            live.delete(w);
            w.removeAllListeners();
            void w.terminate();
            settle(index, { timeout: at });
            start();
          }, budget);
        }
        w.postMessage({ ...items[current]!, index: current, progress } satisfies WorkItem);
      };
      const start = () => {
        progress = new Int32Array(new SharedArrayBuffer(PROGRESS_SLOTS * 4));
        w = new Worker(workerUrl);
        live.add(w);
        w.on('message', (m: WorkerReply | 'ready') => {
          // The budget is for the run, not for starting a thread and loading modules.
          if (m === 'ready') {
            feed();
            return;
          }
          if ('error' in m) {
            stopAll();
            reject(new Error(m.error));
            return;
          }
          settle(m.index, { result: m.result });
          feed();
        });
        w.on('error', (e) => {
          stopAll();
          reject(e);
        });
        w.on('exit', (code) => {
          if (!live.has(w)) return;
          live.delete(w);
          if (stopped) {
            if (timer !== null) clearTimeout(timer);
            resolve();
            return;
          }
          // Something ended the thread under us (process.exit in a strategy, out of memory).
          if (current >= 0) settle(current, { died: `the worker thread exited with code ${code} during this run` });
          start();
        });
      };
      start();
    });
  try {
    await Promise.all(Array.from({ length: n }, lane));
  } finally {
    opts.signal?.removeEventListener('abort', stopAll);
  }
  return outcomes;
}
