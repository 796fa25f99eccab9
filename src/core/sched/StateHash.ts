import { STABLE_BASE } from './Footprint.js';
import type { Scheduler } from './Scheduler.js';
import type { Task } from './Task.js';

/**
 * A 64-bit hash of the whole state of one execution at a scheduling point, for state caching
 * (`--state-cache`): two points with equal hashes have the same future, so a search that has
 * explored everything below one of them need not explore below the other.
 *
 * It observes the model and rewrites nothing: a kernel path stays the generator it is, and its
 * locals (the page it looked up, the value it read) stay invisible. What stands for them is the
 * step footprints (FootprintLog), which already name every shared object a step reads or writes for
 * partial-order reduction. From them this keeps, incrementally:
 *
 * - a **version** per shared object: unchanged by reads; a step that writes the object (any
 *   non-read access) makes it `mix(old version, the writer's digest after the step)`;
 * - a **digest** per thread: `mix(digest, for each access of the step: object, kind, the object's
 *   version before the step)`, seeded at spawn with the spawner's digest and the thread's name.
 *
 * By induction over the steps, a thread's digest determines its local state (its generator's
 * position and locals are a function of its start and of the values it read, and each value is a
 * function of its object's version) and an object's version determines its value (the initial
 * value, then each write a function of the writer's state and of the values it read). The state
 * hash is the XOR (Zobrist) of mix(object, version) over the objects written so far, plus every
 * thread's digest and scheduler-visible fields (runnable, blocked, killed ...), plus what the
 * harness registers (`extras`: the spurious wakeups left, the invariants violated so far).
 *
 * Two schedules that differ only in the order of steps that do not conflict (the dependency
 * relation partial-order reduction uses: docs/performance.md) reach equal hashes; any difference
 * in the order of conflicting steps is in some version or digest. Soundness thus rests on the same
 * claim as DPOR's: footprints name everything a step reads and writes. Hidden state a footprint
 * does not name makes a point uncacheable instead (`cacheable()`: a watcher a step installed in
 * Scheduler.beforeStep).
 *
 * Object numbers handed out by `Scheduler.newObject()` during a step (pages, their locks and wait
 * queues) depend on the order threads allocated in; they are renamed after their allocation (the
 * allocating thread, its digest then, the how-manieth allocation of the step), so that page numbers
 * allocated in a different order do not make equal states differ. Objects made before the first
 * step (the workload's initial state) keep their numbers: that part is the same in every execution.
 *
 * A hash collision (two different states with one 64-bit hash) would prune a state that was not
 * explored: with n states stored the chance is about n² / 2^65 (1e-7 for 2 M states).
 */
export class StateHash {
  /** Per task id: its digest, two 32-bit lanes. */
  private readonly dHi: number[] = [];
  private readonly dLo: number[] = [];
  /** Object name -> index into vHi/vLo (its version). */
  private readonly vIdx = new Map<number, number>();
  private readonly vHi: number[] = [];
  private readonly vLo: number[] = [];
  /** Zobrist accumulator over (object, version). */
  private zHi = 0;
  private zLo = 0;
  /** Raw object number of something allocated during a step -> its canonical name. */
  private readonly renamed = new Map<number, number>();
  /** The same by the low 16 bits (pages' data granules embed them: pageDataObject). */
  private readonly renamedLow = new Map<number, number>();
  /** Footprint log entries (steps) folded in so far, and accesses. */
  private doneSteps = 0;
  private doneAcc = 0;
  /** Allocations and spawns of the running step so far (each named by its place). */
  private made = 0;
  private madeBy = -1;
  private madeAt = -1;
  /** Harness state outside the kernel objects, hashed by value at every point. */
  readonly extras: (() => number)[] = [];
  /** The beforeStep hook the execution installed (anything else is a step's hidden watcher). */
  baseline: ((s: Scheduler) => void) | null = null;
  /** Set when the last key() found the point uncacheable. */
  hi = 0;
  lo = 0;

  constructor(private readonly sched: Scheduler) {}

  /** Scheduler.newObject() handed out `raw`. */
  allocated(raw: number): void {
    const t = this.sched.current;
    if (t === null || this.sched.steps === 0) return;
    const k = this.place(t);
    const h1 = fmix(mix(mix(mix(0x51a7e, t.id), this.dHi[t.id]!), k));
    const h2 = fmix(mix(mix(mix(0x0b1ec7, t.id), this.dLo[t.id]!), k));
    const name = nameOf(h1, h2);
    this.renamed.set(raw, name);
    this.renamedLow.set(raw & 0xffff, name);
  }

  /** Scheduler.spawn() made `t`: its digest starts from its name and (if a step spawned it) the spawner's. */
  spawned(t: Task): void {
    let h1 = 0x7a5c;
    let h2 = 0x5eed;
    for (let i = 0; i < t.name.length; i++) {
      h1 = mix(h1, t.name.charCodeAt(i));
      h2 = mix(h2, t.name.charCodeAt(i));
    }
    const p = this.sched.current;
    if (p !== null && this.sched.steps > 0) {
      const k = this.place(p);
      h1 = mix(mix(mix(h1, p.id), this.dHi[p.id]!), k);
      h2 = mix(mix(mix(h2, p.id), this.dLo[p.id]!), k);
    }
    this.dHi[t.id] = fmix(h1);
    this.dLo[t.id] = fmix(h2);
  }

  private place(t: Task): number {
    if (this.madeBy !== t.id || this.madeAt !== this.sched.steps) {
      this.madeBy = t.id;
      this.madeAt = this.sched.steps;
      this.made = 0;
    }
    return this.made++;
  }

  /** The canonical name of footprint object `obj`. */
  private canon(obj: number): number {
    if (obj < STABLE_BASE) return this.renamed.get(obj) ?? obj;
    // Space 4, 1 <= a <= 126: a page's data granule, named after the page's (possibly renamed)
    // number (127 is an rwsem's reader membership, whose number is not a page's).
    const rel = obj - STABLE_BASE;
    if (Math.floor(rel / 2 ** 23) === 4) {
      const a = Math.floor(rel / 2 ** 16) & 127;
      if (a >= 1 && a <= 126) {
        const p = this.renamedLow.get(rel & 0xffff);
        if (p !== undefined) return nameOf(fmix(mix(mix(0x9a7a, p % 2 ** 32), a)), fmix(mix(mix(0x6e1d, Math.floor(p / 2 ** 32)), a)));
      }
    }
    return obj;
  }

  /** Fold every footprint entry logged since the last call into the digests and versions. */
  sync(): void {
    const fp = this.sched.fp!;
    const n = fp.length;
    // Touches appended to the last folded step after it was folded (between steps): its task's.
    if (this.doneSteps > 0 && this.doneSteps <= n) {
      const last = this.doneSteps - 1;
      const e = fp.end(last);
      if (e > this.doneAcc) this.fold(fp.task[last]!, this.doneAcc, e, fp.acc);
    }
    for (let i = this.doneSteps; i < n; i++) this.fold(fp.task[i]!, fp.start[i]!, fp.end(i), fp.acc);
    this.doneSteps = n;
    this.doneAcc = fp.acc.length;
  }

  private readonly written: number[] = [];

  private fold(task: number, from: number, to: number, acc: readonly number[]): void {
    let h1 = mix(this.dHi[task]!, 0x57e9);
    let h2 = mix(this.dLo[task]!, 0x57e9);
    const written = this.written;
    written.length = 0;
    for (let k = from; k < to; k++) {
      const a = acc[k]!;
      const kind = a & 3;
      const obj = (a - kind) / 4;
      const c = this.canon(obj);
      const cLo = c % 2 ** 32 | 0;
      const cHi = Math.floor(c / 2 ** 32);
      const i = this.vIdx.get(c);
      h1 = mix(mix(mix(mix(h1, cLo), cHi), kind), i === undefined ? 0 : this.vHi[i]!);
      h2 = mix(mix(mix(mix(h2, cHi), cLo), kind), i === undefined ? 0 : this.vLo[i]!);
      if (kind !== 0 && !written.includes(c)) written.push(c);
    }
    h1 = fmix(h1);
    h2 = fmix(h2);
    this.dHi[task] = h1;
    this.dLo[task] = h2;
    for (const c of written) {
      let i = this.vIdx.get(c);
      const cLo = c % 2 ** 32 | 0;
      const cHi = Math.floor(c / 2 ** 32);
      if (i === undefined) {
        i = this.vHi.length;
        this.vIdx.set(c, i);
        this.vHi.push(0);
        this.vLo.push(0);
      } else {
        this.zHi ^= zob(cLo, cHi, this.vHi[i]!, 0x2b0b);
        this.zLo ^= zob(cHi, cLo, this.vLo[i]!, 0x61d5);
      }
      const nHi = fmix(mix(mix(this.vHi[i]!, h1), 0x0e5));
      const nLo = fmix(mix(mix(this.vLo[i]!, h2), 0x0e5));
      this.vHi[i] = nHi;
      this.vLo[i] = nLo;
      this.zHi ^= zob(cLo, cHi, nHi, 0x2b0b);
      this.zLo ^= zob(cHi, cLo, nLo, 0x61d5);
    }
  }

  /** Can the state here be compared at all? Not while a step's watcher sits in beforeStep. */
  cacheable(): boolean {
    return this.sched.beforeStep === this.baseline;
  }

  /** The state hash now, in `hi` and `lo`. */
  key(): void {
    this.sync();
    let h1 = this.zHi;
    let h2 = this.zLo;
    const tasks = this.sched.tasks;
    h1 = mix(h1, tasks.length);
    h2 = mix(h2, tasks.length);
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i]!;
      const f = t.state | (t.fatalUnlogged ? 4 : 0) | (t.killable ? 8 : 0) | (t.prepared ? 16 : 0) | (t.noRecheck ? 32 : 0) | (t.strayWake ? 64 : 0) | (t.wokenSpuriously ? 128 : 0);
      h1 = mix(mix(h1, this.dHi[i]!), f);
      h2 = mix(mix(h2, this.dLo[i]!), f);
    }
    for (const x of this.extras) {
      const v = x();
      h1 = mix(h1, v);
      h2 = mix(h2, v ^ 0x3c3c3c3c);
    }
    this.hi = fmix(h1) >>> 0;
    this.lo = fmix(h2) >>> 0;
  }

  /** Objects with a version so far (for tests and figures). */
  get objects(): number {
    return this.vHi.length;
  }
}

/** A canonical name from two hash lanes: in [2^52, 2^53), above every raw or stable number. */
function nameOf(h1: number, h2: number): number {
  return ((h1 & 0xfffff) | 0x100000) * 2 ** 32 + (h2 >>> 0);
}

function zob(a: number, b: number, v: number, seed: number): number {
  return fmix(mix(mix(mix(seed, a), b), v));
}

/** MurmurHash3's 32-bit block step. */
export function mix(h: number, x: number): number {
  let k = Math.imul(x | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finaliser. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
