import { Worker } from 'node:worker_threads';
import { progressPlan } from '../explore/Recorder.js';
import type { SegmentData, WorkItem, WorkerReply } from './messages.js';

/** How long after the time budget ran out a worker may take to finish its execution and reply. */
export const GRACE_MS = 2000;
/** An execution that runs this long has a hook that never returns (executions take milliseconds). */
export const WATCHDOG_MS = 60_000;

/** Int32 slots of a worker's progress buffer: the header and up to this many deviation numbers. */
const PROGRESS_SLOTS = 2 + 64 * 1024;

/**
 * What became of one item: its segment; where it was when it was stopped (an execution that did not
 * end: `why` says which limit); never started because the time budget ran out; or its worker died.
 */
export type Outcome =
  | { segment: SegmentData }
  | { timeout: { execution: number; plan: number[] | null; why: 'budget' | 'watchdog' } }
  | { skipped: true }
  | { died: string };

export type NewItem = Omit<WorkItem, 'index' | 'progress'>;

export interface PoolOptions {
  /**
   * Date.now() after which no item starts (those left are `skipped`) and items in progress stop at
   * their next execution's end (the explorer checks it: see ExploreOptions.deadline). A worker still
   * busy GRACE_MS after it is terminated (the only way to stop a hook that loops without yielding).
   */
  deadline?: number;
  /** An execution running this long without ending has its worker terminated (default WATCHDOG_MS). */
  watchdogMs?: number;
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
  const deadline = opts.deadline;
  const watchdogMs = opts.watchdogMs ?? WATCHDOG_MS;
  const live = new Set<Worker>();
  // Timers keep the event loop alive: every one must go when the queue stops.
  const timers = new Set<NodeJS.Timeout>();
  /** Busy lanes: checked by the watchdog, stopped at the deadline. */
  const busy = new Set<{ kill: (why: 'budget' | 'watchdog') => void; seen: number; since: number; progress: () => Int32Array }>();
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
    for (const t of timers) clearInterval(t);
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
  const overDeadline = () => deadline !== undefined && Date.now() >= deadline;
  /** The budget ran out: what has not started never will. */
  const skipQueued = () => {
    while (queue.length > 0) {
      const index = queue.shift()!;
      try {
        for (const more of onOutcome(items[index]!, { skipped: true })) push(more);
      } catch (e) {
        failAll(e as Error);
        return;
      }
    }
  };
  const tick = setInterval(() => {
    const now = Date.now();
    for (const b of [...busy]) {
      const at = Atomics.load(b.progress(), 0);
      if (at !== b.seen) {
        b.seen = at;
        b.since = now;
      } else if (now - b.since > watchdogMs) b.kill('watchdog');
    }
    if (deadline !== undefined && now >= deadline + GRACE_MS) for (const b of [...busy]) b.kill('budget');
  }, 200);
  timers.add(tick);

  const lane = () => {
    let w: Worker;
    let progress: Int32Array;
    let current = -1;
    let mine: Parameters<typeof busy.add>[0] | null = null;
    const settle = (index: number, o: Outcome) => {
      if (mine !== null) busy.delete(mine);
      mine = null;
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
      if (overDeadline()) skipQueued();
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
      const b = {
        seen: 0,
        since: Date.now(),
        progress: () => progress,
        kill: (why: 'budget' | 'watchdog') => {
          busy.delete(b);
          const index = current;
          const at = progressPlan(progress);
          live.delete(w);
          w.removeAllListeners();
          void w.terminate();
          settle(index, { timeout: { ...at, why } });
          start();
        },
      };
      busy.add(b);
      mine = b;
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
    for (const t of timers) clearInterval(t);
    stopped = true;
    await Promise.all([...live].map((w) => w.terminate()));
  }
}
