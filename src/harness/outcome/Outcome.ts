import type { Runs } from '../../core/mm/PageData.js';
import type { OpNode, Workload } from '../workload/types.js';

/**
 * A user-visible outcome (herd7's "state"): what every op that ran returned, `ok`, an errno or a
 * signal, and the bytes every read, pipe_read, pin_read and ptrace_peek returned. The same
 * canonical text is produced by the model (here) and by `faultline real` from what the kernel did,
 * so the two compare as strings.
 *
 *   P.io#1=ok; P.io#3=ok:0xAA*2048; C.main#0=SIGBUS
 *
 * Entries are in declaration order (process, thread, op index from 0); an op that never ran (its
 * thread was killed or ended first) has no entry. Bytes are runs `0xVV*N` of equal bytes.
 */

/** Where each op of a workload sits in the outcome: its key and its position. */
export interface OpSlot {
  key: string;
  index: number;
}

const slotsCache = new WeakMap<Workload, Map<OpNode, OpSlot>>();

export function opSlots(w: Workload): Map<OpNode, OpSlot> {
  let m = slotsCache.get(w);
  if (m !== undefined) return m;
  m = new Map();
  for (const p of w.processes) for (const th of p.threads) th.ops.forEach((node, i) => m!.set(node, { key: `${p.name}.${th.name}#${i}`, index: m!.size }));
  slotsCache.set(w, m);
  return m;
}

export function opCount(w: Workload): number {
  return opSlots(w).size;
}

/** The ops' keys in outcome order. */
export function opKeys(w: Workload): string[] {
  return [...opSlots(w).values()].map((s) => s.key);
}

/** Bytes as runs of equal values, adjacent equal runs merged: `0x00*2048,0xAA*2048`. */
export function formatBytes(r: Runs): string {
  const parts: string[] = [];
  let val = -1;
  let n = 0;
  for (let i = 0; i < r.length; i += 3) {
    const v = r[i + 2]!;
    const len = r[i + 1]! - r[i]!;
    if (len <= 0) continue;
    if (v === val) n += len;
    else {
      if (n > 0) parts.push(`0x${val.toString(16).padStart(2, '0').toUpperCase()}*${n}`);
      val = v;
      n = len;
    }
  }
  if (n > 0) parts.push(`0x${val.toString(16).padStart(2, '0').toUpperCase()}*${n}`);
  return parts.join(',');
}

/** One entry: `ok`, an errno or a signal, and with bytes `:0xAA*16`. */
export function formatEntry(key: string, result: string, bytes: string | null): string {
  return bytes !== null && result === 'ok' ? `${key}=ok:${bytes}` : `${key}=${result}`;
}

/** What one execution's ops returned, filled in as they complete (cheap: two array stores per op). */
export class OutcomeLog {
  readonly results: (string | undefined)[];
  readonly bytes: (Runs | undefined)[];

  constructor(
    readonly w: Workload,
    n = opCount(w),
  ) {
    this.results = new Array(n);
    this.bytes = new Array(n);
  }

  format(): string {
    const keys = opKeys(this.w);
    const out: string[] = [];
    for (let i = 0; i < keys.length; i++) {
      const r = this.results[i];
      if (r === undefined) continue;
      const b = this.bytes[i];
      out.push(formatEntry(keys[i]!, r, b === undefined ? null : formatBytes(b)));
    }
    return out.join('; ');
  }
}

/** results.json `outcomes`: sorted by outcome text, so the same run gives the same bytes. */
export interface OutcomeCount {
  outcome: string;
  /** Explored executions that reached it (under DPOR: trace classes explored, one execution each). */
  count: number;
}

export function outcomeList(m: Map<string, number>): OutcomeCount[] {
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([outcome, count]) => ({ outcome, count }));
}
