import { READ } from '../../core/sched/Access.js';
import type { FootprintLog } from '../../core/sched/Footprint.js';

/**
 * The Mazurkiewicz trace of a logged execution, as a canonical string: two executions that differ
 * only in the order of independent steps get the same key. Each step's Foata level is one more than
 * the highest level of the steps it depends on (its task's previous step and the last conflicting
 * accesses of what it touches); the key lists, task by task, the levels of its steps. Equivalent
 * executions have the same dependence graph, hence the same levels; different traces differ in
 * some step's predecessors, hence in some level.
 *
 * Used to measure how far an exploration is from the limit: executions / distinct traces.
 */
export function traceKey(log: FootprintLog): string {
  const n = log.length;
  const level = new Int32Array(n);
  const perTask: number[][] = [];
  const taskLevel: number[] = [];
  const lastW = new Map<number, number>();
  const maxReadSince = new Map<number, number>();
  for (let j = 0; j < n; j++) {
    const t = log.task[j]!;
    let lv = taskLevel[t] ?? 0;
    const e = log.end(j);
    for (let a = log.start[j]!; a < e; a++) {
      const x = log.acc[a]!;
      if (x < 0) continue;
      const o = Math.floor(x / 4);
      const w = lastW.get(o);
      if (w !== undefined && w > lv) lv = w;
      if (x - o * 4 !== READ) {
        const r = maxReadSince.get(o);
        if (r !== undefined && r > lv) lv = r;
      }
    }
    lv++;
    level[j] = lv;
    taskLevel[t] = lv;
    (perTask[t] ??= []).push(lv);
    for (let a = log.start[j]!; a < e; a++) {
      const x = log.acc[a]!;
      if (x < 0) continue;
      const o = Math.floor(x / 4);
      if (x - o * 4 !== READ) {
        lastW.set(o, lv);
        maxReadSince.delete(o);
      } else if ((maxReadSince.get(o) ?? 0) < lv) maxReadSince.set(o, lv);
    }
  }
  let key = '';
  for (let t = 0; t < perTask.length; t++) {
    key += `${t}:${(perTask[t] ?? []).join(',')};`;
  }
  for (let j = 0; j < n; j++) if (log.pseudo[j] === 1) key += `w${log.task[j]}@${level[j]}`;
  return key;
}
