import { parentPort } from 'node:worker_threads';
import { exploreSegment } from '../explore/explore.js';
import { Registry } from '../registry.js';
import { loadStrategyModules } from '../strategyModules.js';
import { loadWorkloadFile } from '../workload/load.js';
import type { Workload } from '../workload/types.js';
import type { WorkItem, WorkerReply } from './messages.js';

/** A worker thread exploring the pieces of runs it is sent, one at a time. */
let reg: Registry | null = null;
const workloads = new Map<string, Workload>();

parentPort!.on('message', (item: WorkItem) => {
  void handle(item).then((reply) => parentPort!.postMessage(reply));
});
parentPort!.postMessage('ready');

async function handle(item: WorkItem): Promise<WorkerReply> {
  try {
    reg ??= Registry.load(item.kernelsYaml, await loadStrategyModules(item.strategyModules ?? []));
    // By id: one file of a scale: series holds several workloads.
    const key = `${item.file}\u0000${item.id}`;
    let w = workloads.get(key);
    if (w === undefined) {
      w = loadWorkloadFile(item.file, item.id, reg);
      workloads.set(key, w);
    }
    const seg = exploreSegment(w, reg.resolve(item.spec), {
      ...item.opts,
      ...(item.prefix ? { prefix: item.prefix } : {}),
      ...(item.stopAfter !== undefined ? { stopAfter: item.stopAfter } : {}),
      ...(item.budget !== undefined ? { budget: item.budget } : {}),
      progress: item.progress,
      now: () => performance.now(),
    });
    return { index: item.index, segment: { ...seg, costs: seg.costs.toData(), best: [...seg.best] } };
  } catch (e) {
    return { index: item.index, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}
