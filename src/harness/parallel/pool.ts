import { Worker } from 'node:worker_threads';
import { progressPlan } from '../explore/Recorder.js';
import type { SegmentData, WorkItem, WorkerReply } from './messages.js';

/** Int32 slots of a worker's progress buffer: the header and up to this many deviation numbers. */
const PROGRESS_SLOTS = 2 + 64 * 1024;

/** What became of one item: its segment, or where it was when it overran its time budget. */
export type Outcome = { segment: SegmentData } | { timeout: { execution: number; plan: number[] | null } } | { died: string };

export type NewItem = Omit<WorkItem, 'index' | 'progress'>;

export interface PoolOptions {
  /**
   * Wall-clock budget per item, in ms (0: none). A worker still busy with an item after this long is
   * terminated (the only way to stop a hook that loops without yielding) and replaced.
   */
  timeBudgetMs?: number;
  /** Aborting stops handing out items and terminates the workers. */
  signal?: AbortSignal;
  workerUrl?: URL;
}

/**
 * A queue of work items on `jobs` worker threads: each idle worker takes the next item, and an
 * outcome may add more items (the subtrees a large run left). The caller files every outcome by its
 * item, so which worker ran what never shows in the results.
 */
export async function runQueue(initial: NewItem[], jobs: number, onOutcome: (item: WorkItem, o: Outcome) => NewItem[], opts: PoolOptions = {}): Promise<void> {
  const items: WorkItem[] = [];
  const queue: number[] = [];
  const push = (it: NewItem) => {
    items.push({ ...it, index: items.length, progress: new Int32Array(0) });
    queue.push(items.length - 1);
  };
  initial.forEach(push);
  if (queue.length === 0) return;
  const workerUrl = opts.workerUrl ?? new URL('./worker.js', import.meta.url);
  const budget = opts.timeBudgetMs ?? 0;
  const live = new Set<Worker>();
  // Budget timers keep the event loop alive: every one must go when the queue stops.
  const timers = new Set<NodeJS.Timeout>();
  let stopped = opts.signal?.aborted === true;
  let running = 0;
  const idleLanes: (() => void)[] = [];
  let finish: () => void = () => {};
  let fail: (e: Error) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const halt = () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const w of live) void w.terminate();
  };
  // Ctrl-C: what finished stands. A failure must reject before anything resolves the queue.
  const stopAll = () => {
    halt();
    finish();
  };
  const failAll = (e: Error) => {
    fail(e);
    halt();
  };
  opts.signal?.addEventListener('abort', stopAll, { once: true });
  const wakeIdle = () => {
    while (idleLanes.length > 0 && queue.length > 0) idleLanes.pop()!();
    if (running === 0 && queue.length === 0) finish();
  };

  const lane = () => {
    let w: Worker;
    let progress: Int32Array;
    let current = -1;
    let timer: NodeJS.Timeout | null = null;
    const settle = (index: number, o: Outcome) => {
      if (timer !== null) {
        clearTimeout(timer);
        timers.delete(timer);
      }
      timer = null;
      current = -1;
      running--;
      try {
        for (const more of onOutcome(items[index]!, o)) push(more);
      } catch (e) {
        failAll(e as Error);
      }
    };
    const feed = () => {
      if (stopped) return;
      const next = queue.shift();
      if (next === undefined) {
        idleLanes.push(feed);
        wakeIdle();
        return;
      }
      current = next;
      running++;
      Atomics.store(progress, 0, 0);
      Atomics.store(progress, 1, 0);
      if (budget > 0) {
        timer = setTimeout(() => {
          timers.delete(timer!);
          const index = current;
          const at = progressPlan(progress);
          live.delete(w);
          w.removeAllListeners();
          void w.terminate();
          settle(index, { timeout: at });
          start();
        }, budget);
        timers.add(timer);
      }
      w.postMessage({ ...items[current]!, progress } satisfies WorkItem);
    };
    const start = () => {
      progress = new Int32Array(new SharedArrayBuffer(PROGRESS_SLOTS * 4));
      w = new Worker(workerUrl);
      live.add(w);
      w.on('message', (m: WorkerReply | 'ready') => {
        // The budget is for the run, not for starting a thread and loading modules.
        if (m === 'ready') return feed();
        if ('error' in m) return failAll(new Error(m.error));
        settle(m.index, { segment: m.segment });
        wakeIdle();
        feed();
      });
      w.on('error', (e) => failAll(e));
      w.on('exit', (code) => {
        if (!live.has(w)) return;
        live.delete(w);
        if (stopped) return;
        // Something ended the thread under us (process.exit in a strategy, out of memory).
        if (current >= 0) settle(current, { died: `the worker thread exited with code ${code} during this run` });
        start();
      });
    };
    start();
  };
  const n = Math.max(1, Math.min(jobs, queue.length));
  for (let i = 0; i < n; i++) lane();
  try {
    await done;
  } finally {
    opts.signal?.removeEventListener('abort', stopAll);
    stopped = true;
    await Promise.all([...live].map((w) => w.terminate()));
  }
}
