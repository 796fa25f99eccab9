import { Worker } from 'node:worker_threads';
import type { SegmentData, WorkItem, WorkerReply } from './messages.js';

/**
 * A queue of work items on `jobs` worker threads: each idle worker takes the next item; a reply
 * may add more items (the subtrees a large run left). Which worker ran what never shows in the
 * results: the caller files every reply by its item.
 */
export async function runQueue(
  initial: Omit<WorkItem, 'index'>[],
  jobs: number,
  onReply: (item: WorkItem, seg: SegmentData) => Omit<WorkItem, 'index'>[],
  workerUrl = new URL('./worker.js', import.meta.url),
): Promise<void> {
  const items: WorkItem[] = [];
  const queue: WorkItem[] = [];
  const push = (it: Omit<WorkItem, 'index'>) => {
    const w = { ...it, index: items.length } as WorkItem;
    items.push(w);
    queue.push(w);
  };
  initial.forEach(push);
  if (queue.length === 0) return;
  const workers = Array.from({ length: Math.max(1, jobs) }, () => new Worker(workerUrl));
  const idle = [...workers];
  let busy = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const dispatch = () => {
        while (idle.length > 0 && queue.length > 0) {
          busy++;
          idle.pop()!.postMessage(queue.shift()!);
        }
        if (busy === 0 && queue.length === 0) resolve();
      };
      for (const w of workers) {
        w.on('message', (m: WorkerReply) => {
          busy--;
          if ('error' in m) return reject(new Error(m.error));
          try {
            for (const more of onReply(items[m.index]!, m.segment)) push(more);
          } catch (e) {
            return reject(e as Error);
          }
          idle.push(w);
          dispatch();
        });
        w.on('error', reject);
      }
      dispatch();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
