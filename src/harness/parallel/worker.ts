import { parentPort } from 'node:worker_threads';
import { explore } from '../explore/explore.js';
import { Registry } from '../registry.js';
import { loadStrategyModules } from '../strategyModules.js';
import { loadWorkloadFile } from '../workload/load.js';
import type { Workload } from '../workload/types.js';
import type { WorkItem, WorkerReply } from './messages.js';

/** A worker thread exploring runs it is sent, one at a time. Every run is deterministic on its own. */
let reg: Registry | null = null;
const workloads = new Map<string, Workload>();

parentPort!.on('message', (item: WorkItem) => {
  void handle(item).then((reply) => parentPort!.postMessage(reply));
});
parentPort!.postMessage('ready');

async function handle(item: WorkItem): Promise<WorkerReply> {
  try {
    reg ??= Registry.load(item.kernelsYaml, await loadStrategyModules(item.strategyModules ?? []));
    let w = workloads.get(item.file);
    if (w === undefined) {
      w = loadWorkloadFile(item.file, item.id, reg);
      workloads.set(item.file, w);
    }
    return { index: item.index, result: explore(w, reg.resolve(item.spec), { ...item.opts, progress: item.progress, now: () => performance.now() }) };
  } catch (e) {
    return { index: item.index, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}
