/**
 * The reference semantics of one process's view of one mapping: the history of writes that the
 * process is entitled to see, each with the logical-time interval of the operation that made it.
 * A read may return any value that was possibly current at some instant of the read's interval
 * (overlapping operations allow any of their outcomes); a write that completed before another one
 * started, which itself completed before the read started, is definitely overwritten.
 */

export type WriteKind = 'init' | 'cpu' | 'dma' | 'zap' | 'unmap';

export interface WriteRec {
  /** Identity across fork copies: the parent's write and the child's inherited copy share it. */
  id: number;
  lo: number;
  hi: number;
  /** Byte value; -1 for "unmapped". */
  value: number;
  start: number;
  end: number;
  /** Who did it: the process (or its I/O) whose memory this is, or its ancestor before fork. */
  origin: string;
  kind: WriteKind;
  /** Can this write hide older ones? Not for writes that overlapped the fork that copied them. */
  definite: boolean;
  /** A device write into memory the process had thrown away: allowed, never owed (never "lost"). */
  orphaned?: boolean;
  /**
   * A store that has started and not ended (end: Infinity, not definite): part of it may already be
   * in memory, so a racing load may see it; replaced by the store's record when it ends.
   */
  inFlight?: boolean;
}

export interface Segment {
  lo: number;
  hi: number;
  allowed: WriteRec[];
}

export class LogicalMemory {
  recs: WriteRec[] = [];
  readonly ids = new Set<number>();
  /** Bytes its history covers (the mapping's size, or more after a grow). */
  size = 0;

  add(r: WriteRec): void {
    this.recs.push(r);
    this.ids.add(r.id);
  }

  /** The in-flight record a store that started at `start` over [lo, hi) left, now that it ended. */
  endInFlight(start: number, lo: number, hi: number): void {
    const i = this.recs.findIndex((r) => r.inFlight === true && r.start === start && r.lo === lo && r.hi === hi);
    if (i >= 0) this.recs.splice(i, 1);
  }

  /** The memory a fork child starts with: writes that began before the fork ended. */
  forkCopy(t0: number, t1: number): LogicalMemory {
    const m = new LogicalMemory();
    m.size = this.size;
    for (const r of this.recs) {
      if (r.start > t1) continue;
      m.add({ ...r, definite: r.definite && r.end < t0 });
    }
    return m;
  }

  /** Split [lo, hi) into segments with the writes possibly current in [t0, t1] for each. */
  segments(lo: number, hi: number, t0: number, t1: number): Segment[] {
    const cands: WriteRec[] = [];
    const cuts = [lo, hi];
    for (const r of this.recs) {
      if (r.hi <= lo || r.lo >= hi || r.start > t1) continue;
      cands.push(r);
      if (r.lo > lo) cuts.push(r.lo);
      if (r.hi < hi) cuts.push(r.hi);
    }
    cuts.sort((a, b) => a - b);
    const out: Segment[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const a = cuts[i]!;
      const b = cuts[i + 1]!;
      if (a === b) continue;
      const cover: WriteRec[] = [];
      for (const r of cands) if (r.lo <= a && r.hi >= b) cover.push(r);
      const allowed: WriteRec[] = [];
      for (const r of cover) {
        let hidden = false;
        for (const r2 of cover) {
          if (r2 !== r && r2.definite && r.end < r2.start && r2.end < t0) {
            hidden = true;
            break;
          }
        }
        if (!hidden) allowed.push(r);
      }
      out.push({ lo: a, hi: b, allowed });
    }
    return out;
  }
}
