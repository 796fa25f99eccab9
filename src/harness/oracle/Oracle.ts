import { byteAt } from '../../core/trace.js';
import { nameHash, stableObject, type FootprintLog } from '../../core/sched/Footprint.js';
import { READ, WRITE } from '../../core/sched/Access.js';
import type { InvariantId } from './invariants.js';
import type { Runs } from '../../core/mm/PageData.js';
import { LogicalMemory, type WriteKind, type WriteRec } from './LogicalMemory.js';

/** How an observation was made; decides which invariant a wrong value violates. */
/**
 * The oracle's view of user_events (which sets are in flight, each event's state) as one object for
 * partial-order reduction: the exit-time enable-bit judgement reads it, user_events_set writes it.
 */
export const ORACLE_EVENTS = stableObject(3, 0, 0);

/**
 * The oracle's logical clock as one object for partial-order reduction. `now()` writes it (every
 * stamp taken by now() is ordered with every other); `stamp()` only reads it and orders itself
 * through the memory it is about instead, so that stamps of unrelated memories commute.
 */
export const ORACLE_CLOCK = stableObject(3, 3, 0);

export { nameHash } from '../../core/sched/Footprint.js';

/**
 * The oracle's memories as objects for partial-order reduction, three (A, B, C) per GRANULE bytes
 * of: each mapping name (every process's mapping of that name, since fork copies it under the same
 * name and `classify` looks at other processes' mappings of the name), and each shmem file (shared
 * by mappings of any name). The oracle only ever compares the times of operations whose byte ranges
 * overlap (LogicalMemory.segments), and overlapping ranges share a granule.
 */
export const GRANULE = 1024;
export function oracleMemObject(name: string, file: boolean, which: 0 | 1 | 2, granule: number): number {
  return stableObject(3, 8 + (file ? 3 : 0) + which, (nameHash(name) * 64 + granule) & 0xffff);
}

/**
 * The four kinds of oracle event and what each touches of a granule's A, B and C. The oracle
 * compares: a write's start with an observation's end (`r.start > t1`: the write came too late to
 * be seen), a write's end with another write's start (`r.end < r2.start`: r2 definitely overwrote r)
 * and with an observation's start (`r2.end < t0`), and an observation's end with the records of
 * the writes that ended before it (a record is made at the write's end). Those pairs conflict;
 * two starts never do, nor an observation's start and end; two ends of writes, and two ends of
 * observations, do (the read/write model cannot say "commute with your own kind, not with the other").
 *
 *              A      B      C
 *   WS        read          read      write start
 *   WE        write  write            write end, its record, an enable bit (un)registered
 *   OS        read                    observation (read, device read, fork) start
 *   OE               read   write     observation end, its judgement
 */
export const WS = 0;
export const WE = 1;
export const OS = 2;
export const OE = 3;
export type OracleEvent = typeof WS | typeof WE | typeof OS | typeof OE;
const EVENT_TOUCHES: readonly (readonly [0 | 1 | 2, boolean])[][] = [
  [[0, false], [2, false]],
  [[0, true], [1, true]],
  [[0, false]],
  [[1, false], [2, true]],
];

export type Channel = 'cpu' | 'device' | 'pipe' | 'final';

export interface Mismatch {
  invariant: InvariantId;
  message: string;
}

function hex(v: number): string {
  return v < 0 ? 'unmapped' : `0x${v.toString(16).padStart(2, '0').toUpperCase()}`;
}

/** A user_events enable bit in a process's memory: the byte and mask of `value & (1 << bit)`. */
export interface EnableBit {
  vma: string;
  /** Byte offset into the mapping that holds the bit (by the arch's byte order). */
  byte: number;
  mask: number;
  event: string;
  /** Still registered (unregister clears the bit and ends the kernel's claim on it). */
  live: boolean;
}

/**
 * The harness's reference semantics for user memory: what each process is entitled to observe.
 * It never looks at pages or ptes, only at the user-visible operations (their kind, range, value and
 * logical-time interval), so it is the same for every strategy.
 */
export class Oracle {
  private clock = 0;
  private nextId = 1;
  /** process -> mapping name -> logical memory */
  private readonly mems = new Map<string, Map<string, LogicalMemory>>();
  /** process -> its user_events enable bits (inherited at fork, as the enablers are). */
  private readonly enables = new Map<string, EnableBit[]>();
  /** Event name -> enabled by the last completed user_events_set. */
  private readonly eventState = new Map<string, boolean>();
  /** user_events_set ops started and not yet completed. */
  eventSetsInFlight = 0;

  /**
   * Where the oracle logs what it reads and writes (the running step's footprint). A verdict depends
   * on the order of the logical-time stamps of operations on one memory (which write completed before
   * which read began): every stamp, record and judgement touches that memory, so partial-order
   * reduction never merges two schedules in which the oracle would judge differently.
   */
  fp: FootprintLog | null = null;

  private touch(obj: number, write: boolean): void {
    if (this.fp !== null) this.fp.touch(obj * 4 + (write ? WRITE : READ));
  }

  /** An event on bytes [lo, hi) of the memory behind a process's mapping (by name, and its file if shared). */
  private touchMem(proc: string, vma: string, ev: OracleEvent, lo: number, hi: number): void {
    if (this.fp === null) return;
    const f = this.fileOf.get(this.mems.get(proc)?.get(vma) as LogicalMemory);
    for (let g = Math.floor(lo / GRANULE), e = Math.ceil(hi / GRANULE); g < e; g++) {
      for (const [which, write] of EVENT_TOUCHES[ev]!) {
        this.touch(oracleMemObject(vma, false, which, g), write);
        if (f !== undefined) this.touch(oracleMemObject(f, true, which, g), write);
      }
    }
  }

  /** An event on the whole of every mapping a process has. */
  private touchAll(proc: string, ev: OracleEvent): void {
    for (const [vma, m] of this.mems.get(proc) ?? []) this.touchMem(proc, vma, ev, 0, m.size);
  }

  /**
   * A logical time ordered with every other one (conservative: for judgements whose memory the
   * caller does not name, e.g. userfaultfd's bookkeeping).
   */
  now(): number {
    this.touch(ORACLE_CLOCK, true);
    return ++this.clock;
  }

  /**
   * A logical time for the start or end of an operation on bytes [off, off+len) of a process's
   * mapping: `write` for operations that add to its history (stores, DMA, zaps), false for
   * observations (loads, device reads). Stamps are ordered where the oracle compares them (see
   * EVENT_TOUCHES), and with every `now()`.
   */
  start(proc: string, vma: string, write: boolean, off: number, len: number): number {
    this.touch(ORACLE_CLOCK, false);
    this.touchMem(proc, vma, write ? WS : OS, off, off + len);
    return ++this.clock;
  }
  end(proc: string, vma: string, write: boolean, off: number, len: number): number {
    this.touch(ORACLE_CLOCK, false);
    this.touchMem(proc, vma, write ? WE : OE, off, off + len);
    return ++this.clock;
  }
  /**
   * The start of a CPU store of `value` over [off, off+len): a store spans steps (a fault per page),
   * and a load racing it may see the part already stored, so until its end is recorded (`write`
   * with this start) the store counts as possibly current from now on. Its WS stamp is what orders
   * it with a racing load's judgement (WS-OE), as for any write.
   */
  startWrite(proc: string, vma: string, off: number, len: number, value: number): number {
    const t = this.start(proc, vma, true, off, len);
    this.mapping(proc, vma).add({ id: this.nextId++, lo: off, hi: off + len, value, start: t, end: Infinity, origin: proc, kind: 'cpu', definite: false, inFlight: true });
    return t;
  }

  /** A write that happens at one instant (a DMA chunk landing): its start and end. */
  instant(proc: string, vma: string, off: number, len: number): number {
    this.touch(ORACLE_CLOCK, false);
    this.touchMem(proc, vma, WS, off, off + len);
    this.touchMem(proc, vma, WE, off, off + len);
    return ++this.clock;
  }

  /** An observation at one instant (a process's memory judged at exit). */
  instantObservation(proc: string, vma: string, off: number, len: number): number {
    this.touch(ORACLE_CLOCK, false);
    this.touchMem(proc, vma, OS, off, off + len);
    this.touchMem(proc, vma, OE, off, off + len);
    return ++this.clock;
  }

  /** Start and end of fork, which observes every mapping of the parent (to copy its history). */
  forkStart(proc: string): number {
    this.touch(ORACLE_CLOCK, false);
    this.touchAll(proc, OS);
    return ++this.clock;
  }
  forkEnd(proc: string): number {
    this.touch(ORACLE_CLOCK, false);
    this.touchAll(proc, OE);
    return ++this.clock;
  }

  mapping(proc: string, vma: string): LogicalMemory {
    let pm = this.mems.get(proc);
    if (pm === undefined) {
      pm = new Map();
      this.mems.set(proc, pm);
    }
    let m = pm.get(vma);
    if (m === undefined) {
      m = new LogicalMemory();
      pm.set(vma, m);
    }
    return m;
  }

  /** file name -> the one logical memory every mapping of that shmem file shares. */
  private readonly files = new Map<string, LogicalMemory>();
  private readonly shared = new Set<LogicalMemory>();
  private readonly fileOf = new Map<LogicalMemory, string>();

  /**
   * A mapping of a shmem file: one logical memory for every process mapping it, so a write by one
   * is what all see (and fork shares it rather than copying it). A new file reads as zeroes.
   */
  mapShared(proc: string, vma: string, file: string, size: number): void {
    let m = this.files.get(file);
    if (m === undefined) {
      m = new LogicalMemory();
      m.size = size;
      m.add({ id: this.nextId++, lo: 0, hi: size, value: 0, start: -1, end: -1, origin: proc, kind: 'init', definite: true });
      this.files.set(file, m);
      this.shared.add(m);
      this.fileOf.set(m, file);
    }
    let pm = this.mems.get(proc);
    if (pm === undefined) {
      pm = new Map();
      this.mems.set(proc, pm);
    }
    pm.set(vma, m);
    this.touchMem(proc, vma, WE, 0, size);
  }

  /** Is this mapping of a process shared (a shmem file)? */
  isShared(proc: string, vma: string): boolean {
    return this.shared.has(this.mapping(proc, vma));
  }

  /** A new anonymous mapping reads as zeroes. */
  map(proc: string, vma: string, size: number): void {
    this.write(proc, vma, 0, size, 0, -1, -1, 'init');
  }

  /** `definite: false`: the write may not have happened (it faulted part way), so it hides nothing. */
  write(proc: string, vma: string, off: number, len: number, value: number, start: number, end: number, kind: WriteKind, definite = true, orphaned = false): void {
    const r: WriteRec = { id: this.nextId++, lo: off, hi: off + len, value, start, end, origin: proc, kind, definite };
    if (orphaned) r.orphaned = true;
    const m = this.mapping(proc, vma);
    m.endInFlight(start, off, off + len);
    m.add(r);
    if (off + len > m.size) m.size = off + len;
    this.touchMem(proc, vma, WE, off, off + len);
  }

  /**
   * Pieces of [lo, hi) of a mapping that were thrown away (MADV_DONTNEED, munmap, a hole punch: a
   * `zap` or `unmap` record) by an operation that ended after `since` (so it may have taken effect
   * after the I/O took its pages), each with when the earliest such operation started; what is left
   * of [lo, hi) is not listed.
   */
  discarded(proc: string, vma: string, lo: number, hi: number, since: number): { lo: number; hi: number; at: number; unmapped: boolean }[] {
    const m = this.mapping(proc, vma);
    const ds = m.recs.filter((r) => (r.kind === 'zap' || r.kind === 'unmap') && r.end > since && r.lo < hi && r.hi > lo);
    if (ds.length === 0) return [];
    const cuts = [lo, hi];
    for (const r of ds) cuts.push(Math.max(lo, r.lo), Math.min(hi, r.hi));
    cuts.sort((a, b) => a - b);
    const out: { lo: number; hi: number; at: number; unmapped: boolean }[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const a = cuts[i]!;
      const b = cuts[i + 1]!;
      if (a === b) continue;
      let at = Infinity;
      let unmapped = false;
      for (const r of ds) {
        if (r.lo > a || r.hi < b) continue;
        at = Math.min(at, r.start);
        if (r.kind === 'unmap') unmapped = true;
      }
      if (at !== Infinity) out.push({ lo: a, hi: b, at, unmapped });
    }
    return out;
  }

  /**
   * A device wrote `value` into [off, off+len) of the process's memory through the pages its I/O
   * took at `since` (submission, or the pin). Where the process threw that memory away after `since`
   * (a zap or an unmap), the device wrote the page GUP took, which the process no longer maps:
   * either outcome is allowed there, so the write overlaps the discard in time and hides nothing;
   * where it unmapped the range the process can see nothing of it at all.
   */
  dma(proc: string, vma: string, off: number, len: number, value: number, since: number): void {
    const now = this.instant(proc, vma, off, len);
    let at = off;
    for (const d of this.discarded(proc, vma, off, off + len, since)) {
      if (d.lo > at) this.write(proc, vma, at, d.lo - at, value, now, now, 'dma');
      if (!d.unmapped) this.write(proc, vma, d.lo, d.hi - d.lo, value, d.at, now, 'dma', false, true);
      at = d.hi;
    }
    if (at < off + len) this.write(proc, vma, at, off + len - at, value, now, now, 'dma');
  }

  fork(parent: string, child: string, t0: number, t1: number): void {
    const pm = this.mems.get(parent);
    this.touchAll(parent, OE);
    const cm = new Map<string, LogicalMemory>();
    if (pm) for (const [name, m] of pm) cm.set(name, this.shared.has(m) ? m : m.forkCopy(t0, t1));
    this.mems.set(child, cm);
    const en = this.enables.get(parent);
    if (en) this.enables.set(child, en.map((e) => ({ ...e })));
  }

  /**
   * The kernel may set or clear this bit at any time from now on (registration writes it at once,
   * tracers and the fault worker later): reads judge the rest of the byte and leave the bit to the
   * stale-enable-bit check at quiescence.
   */
  enableBit(proc: string, e: Omit<EnableBit, 'live'>): EnableBit {
    let l = this.enables.get(proc);
    if (l === undefined) {
      l = [];
      this.enables.set(proc, l);
    }
    const rec = { ...e, live: true };
    l.push(rec);
    this.touchMem(proc, e.vma, WE, e.byte, e.byte + 1);
    return rec;
  }

  /** A registration that failed: the kernel had no right to the bit after all. */
  dropEnableBit(proc: string, rec: EnableBit): void {
    const l = this.enables.get(proc);
    if (l) l.splice(l.indexOf(rec), 1);
    this.touchMem(proc, rec.vma, WE, rec.byte, rec.byte + 1);
  }

  enableBits(proc: string): readonly EnableBit[] {
    return this.enables.get(proc) ?? [];
  }

  setEvent(name: string, enabled: boolean): void {
    this.eventState.set(name, enabled);
  }

  eventEnabled(name: string): boolean {
    return this.eventState.get(name) ?? false;
  }

  /**
   * Judge an observation of `data` at [off, off+len) of a mapping during [t0, t1]. Returns the first
   * byte that the process was not entitled to see, classified.
   */
  check(proc: string, vma: string, off: number, len: number, data: Runs, t0: number, t1: number, channel: Channel, what: string, since?: number): Mismatch | null {
    const m = this.mapping(proc, vma);
    this.touchMem(proc, vma, OE, off, off + len);
    let segs = m.segments(off, off + len, t0, t1);
    if (since !== undefined) {
      // A device reading through pages its I/O took at `since`: where the process threw that memory
      // away since, the device still reads the page it took, which held what the memory held then.
      const ds = this.discarded(proc, vma, off, off + len, since);
      if (ds.length > 0) {
        segs = [];
        let at = off;
        for (const d of ds) {
          if (d.lo > at) segs.push(...m.segments(at, d.lo, t0, t1));
          segs.push(...m.segments(d.lo, d.hi, Math.min(t0, d.at), t1));
          at = d.hi;
        }
        if (at < off + len) segs.push(...m.segments(at, off + len, t0, t1));
      }
    }
    let masks: Map<number, number> | null = null;
    for (const e of this.enables.get(proc) ?? []) {
      if (e.vma !== vma || e.byte < off || e.byte >= off + len) continue;
      masks ??= new Map();
      masks.set(e.byte, (masks.get(e.byte) ?? 0) | e.mask);
    }
    let r = 0;
    for (const seg of segs) {
      const allowed = seg.allowed;
      // Unmapped for the whole interval: only a pipe or pin could show data here, and then it must be
      // something the process had before; with no such value, there is nothing to judge against.
      if (allowed.every((w) => w.value < 0)) continue;
      // Observed runs overlapping this segment.
      while (r < data.length && data[r + 1]! + off <= seg.lo) r += 3;
      for (let q = r; q < data.length && data[q]! + off < seg.hi; q += 3) {
        const v = data[q + 2]!;
        const lo = Math.max(seg.lo, data[q]! + off);
        const hi = Math.min(seg.hi, data[q + 1]! + off);
        let ok = false;
        for (let i = 0; i < allowed.length; i++) if (allowed[i]!.value === v) ok = true;
        if (ok) continue;
        if (masks !== null) {
          // Bytes holding enable bits are judged without those bits; the others as usual.
          let bad = -1;
          for (let b = lo; b < hi && bad < 0; b++) {
            const mask = masks.get(b);
            if (mask === undefined) bad = b;
            else if (!allowed.some((w) => w.value >= 0 && (w.value & ~mask) === (v & ~mask))) bad = b;
          }
          if (bad < 0) continue;
          return this.classify(proc, vma, bad, v, allowed, m, channel, what);
        }
        return this.classify(proc, vma, lo, v, allowed, m, channel, what);
      }
    }
    return null;
  }

  private classify(proc: string, vma: string, byte: number, v: number, allowed: WriteRec[], own: LogicalMemory, channel: Channel, what: string): Mismatch {
    const expected = [...new Set(allowed.map((r) => hex(r.value)))].join(' or ');
    const at = byteAt(vma, byte);
    for (const [other, pm] of this.mems) {
      if (other === proc) continue;
      const om = pm.get(vma);
      if (!om) continue;
      for (const r of om.recs) {
        if (r.value === v && r.lo <= byte && r.hi > byte && !own.ids.has(r.id) && r.kind !== 'init') {
          const how = r.kind === 'dma' ? `${other}'s O_DIRECT/pin DMA` : `${other}'s write`;
          return { invariant: 'cross-process-leak', message: `${what} saw ${hex(v)} at ${at}, written by ${how} after fork; ${proc} should see ${expected}` };
        }
      }
    }
    // The process's own DMA is missing from what it (or a device reading its memory) sees: the read
    // was lost, whichever way it is looked at. Only a device seeing something else than the
    // process's memory holds, with no DMA of its own to account for it, is pin-incoherent.
    const lost = allowed.find((r) => r.kind === 'dma' && !r.orphaned && r.value !== v);
    if ((channel === 'cpu' || channel === 'final' || channel === 'device') && lost) {
      return { invariant: 'lost-dio-read', message: `${what} saw ${hex(v)} at ${at}; the DMA of ${proc}'s own I/O put ${hex(lost.value)} there` };
    }
    if (channel === 'device') {
      return { invariant: 'pin-incoherent', message: `${what} saw ${hex(v)} at ${at} through the GUP'd page while ${proc} has ${expected} there` };
    }
    return { invariant: 'user-memory-corruption', message: `${what} saw ${hex(v)} at ${at}; ${proc} wrote ${expected}` };
  }
}
