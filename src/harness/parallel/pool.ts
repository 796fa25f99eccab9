import { Worker } from 'node:worker_threads';
import type { RunResult } from '../results.js';
import type { WorkItem, WorkerReply } from './messages.js';

/**
 * Explore work items on `jobs` worker threads, handing the next item to whichever worker finishes
 * first. Results come back in item order, so the output does not depend on timing.
 */
export async function runOnWorkers(items: Omit<WorkItem, 'index'>[], jobs: number, onResult?: (i: number, r: RunResult) => void): Promise<RunResult[]> {
  const results: RunResult[] = new Array(items.length);
  let next = 0;
  const workerUrl = new URL('./worker.js', import.meta.url);
  const n = Math.max(1, Math.min(jobs, items.length));
  await Promise.all(
    Array.from({ length: n }, () =>
      new Promise<void>((resolve, reject) => {
        const w = new Worker(workerUrl);
        const feed = () => {
          if (next >= items.length) {
            void w.terminate().then(() => resolve());
            return;
          }
          const index = next++;
          w.postMessage({ ...items[index]!, index } satisfies WorkItem);
        };
        w.on('message', (m: WorkerReply) => {
          if ('error' in m) {
            void w.terminate();
            reject(new Error(m.error));
            return;
          }
          results[m.index] = m.result;
          onResult?.(m.index, m.result);
          feed();
        });
        w.on('error', reject);
        feed();
      }),
    ),
  );
  return results;
}
