import { READ } from '../../core/sched/Access.js';
import type { FootprintLog } from '../../core/sched/Footprint.js';

/** A pair of steps in one execution whose order could be reversed: dependent, nothing in between orders them. */
export interface Race {
  i: number;
  j: number;
}

/**
 * The happens-before order of one logged execution (program order plus the order of dependent
 * steps), as vector clocks: clock(j)[q] is how many of task q's steps happen before step j or are
 * j itself. Also finds the races: dependent steps of different tasks that no third step orders.
 *
 * Only the last write of an object and the reads since it can race with a new access (anything
 * earlier happens before those), so each step looks at a handful of candidates, not at the whole
 * prefix.
 */
export class HappensBefore {
  n = 0;
  tasks = 0;
  /** n × tasks clocks. */
  vc = new Int32Array(1024);
  /** Step i is the local[i]-th step (from 0) of its task. */
  local = new Int32Array(256);
  /** prior[i * tasks + q]: how many of task q's steps come before step i in the execution. */
  prior = new Int32Array(1024);
  readonly races: Race[] = [];
  log!: FootprintLog;
  // Scratch reused by every execution (one is analysed per execution: keep it allocation-light).
  private readonly lastW = new Map<number, number>();
  private readonly readsSince = new Map<number, number[]>();
  private readonly cands: number[] = [];
  private readonly objs: number[] = [];
  private readonly kinds: number[] = [];
  private first = new Int32Array(16);

  /** Compute the order and the races of a logged execution (replacing the previous one's). */
  compute(log: FootprintLog): this {
    this.log = log;
    const n = (this.n = log.length);
    let tasks = 0;
    for (let i = 0; i < n; i++) if (log.task[i]! + 1 > tasks) tasks = log.task[i]! + 1;
    this.tasks = tasks;
    const T = tasks;
    if (this.vc.length < n * T) {
      this.vc = new Int32Array(n * T * 2);
      this.prior = new Int32Array(n * T * 2);
    }
    if (this.local.length < n) this.local = new Int32Array(n * 2);
    if (this.first.length < T) this.first = new Int32Array(T * 2);
    const vc = this.vc;
    const local = this.local;
    const prior = this.prior;
    const count = new Int32Array(T);
    const lastOfTask = new Int32Array(T).fill(-1);
    const lastW = this.lastW;
    const readsSince = this.readsSince;
    lastW.clear();
    readsSince.clear();
    this.races.length = 0;
    const cands = this.cands;
    const objs = this.objs;
    const kinds = this.kinds;
    const clock = new Int32Array(T);
    for (let j = 0; j < n; j++) {
      const tj = log.task[j]!;
      for (let q = 0; q < T; q++) prior[j * T + q] = count[q]!;
      local[j] = count[tj]!;
      count[tj]!++;
      // The objects step j touches, each with its strongest access.
      objs.length = 0;
      kinds.length = 0;
      for (let a = log.start[j]!, e = log.end(j); a < e; a++) {
        const x = log.acc[a]!;
        if (x < 0) continue;
        const o = Math.floor(x / 4);
        const k = x - o * 4;
        const at = objs.indexOf(o);
        if (at < 0) {
          objs.push(o);
          kinds.push(k);
        } else if (k !== READ) kinds[at] = k;
      }
      cands.length = 0;
      for (let m = 0; m < objs.length; m++) {
        const o = objs[m]!;
        const w = lastW.get(o);
        if (w !== undefined) cands.push(w);
        if (kinds[m] !== READ) {
          const rs = readsSince.get(o);
          if (rs !== undefined) for (const r of rs) cands.push(r);
        }
      }
      if (cands.length > 1) cands.sort(descending);
      const p = lastOfTask[tj]!;
      if (p >= 0) for (let q = 0; q < T; q++) clock[q] = vc[p * T + q]!;
      else for (let q = 0; q < T; q++) clock[q] = 0;
      let prev = -1;
      for (const i of cands) {
        if (i === prev) continue;
        prev = i;
        const ti = log.task[i]!;
        if (ti !== tj && clock[ti]! <= local[i]! && log.pseudo[j] === 0) this.races.push({ i, j });
        const base = i * T;
        for (let q = 0; q < T; q++) if (vc[base + q]! > clock[q]!) clock[q] = vc[base + q]!;
      }
      clock[tj] = local[j]! + 1;
      for (let q = 0; q < T; q++) vc[j * T + q] = clock[q]!;
      lastOfTask[tj] = j;
      for (let m = 0; m < objs.length; m++) {
        const o = objs[m]!;
        if (kinds[m] === READ) {
          let rs = readsSince.get(o);
          if (rs === undefined) readsSince.set(o, (rs = []));
          rs.push(j);
        } else {
          lastW.set(o, j);
          readsSince.delete(o);
        }
      }
    }
    return this;
  }

  /** Does step i happen before step k (or is it k)? */
  before(i: number, k: number): boolean {
    return this.vc[k * this.tasks + this.log.task[i]!]! > this.local[i]!;
  }

  /**
   * The tasks that could start v = notdep(i).j (the steps after i that do not happen after it, up
   * to j, then j): each such task's first step in v with nothing of v before it (source-DPOR's
   * initials, Abdulla et al. 2014, over the part of v that ends at j).
   */
  initials(i: number, j: number): number[] {
    const T = this.tasks;
    const log = this.log;
    const ti = log.task[i]!;
    // For each task: its first step after i, and whether that step is in v.
    const first = this.first;
    first.fill(-1, 0, T);
    for (let k = i + 1; k <= j; k++) {
      const q = log.task[k]!;
      if (first[q] === -1) first[q] = k;
    }
    const inV = (k: number) => k === j || !this.before(i, k);
    const out: number[] = [];
    for (let q = 0; q < T; q++) {
      const k = first[q]!;
      if (k < 0 || q === ti || log.pseudo[k] === 1 || !inV(k)) continue;
      let initial = true;
      for (let r = 0; r < T && initial; r++) {
        if (r === q || r === ti) continue;
        const fr = first[r]!;
        if (fr < 0 || fr >= k || !inV(fr)) continue;
        // r's first step after i is in v, before k: does k happen after it?
        if (this.vc[k * T + r]! > this.prior[(i + 1) * T + r]!) initial = false;
      }
      if (initial) out.push(q);
    }
    return out;
  }
}

function descending(a: number, b: number): number {
  return b - a;
}
