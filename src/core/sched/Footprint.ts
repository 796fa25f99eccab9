import { conflicts } from './Access.js';

/**
 * What each step of one execution touched: the access its thread announced when it yielded, plus
 * every shared object the model recorded while the step ran (a lock released, a wait queue woken, a
 * pte looked up, a page's counts or bytes read or written). Partial-order reduction needs the whole
 * footprint: the announced access alone misses, e.g., the refcount a PTL-holding fork reads while a
 * lockless gup_fast raises it.
 *
 * Steps are numbered in execution order. A spurious wakeup is logged as a pseudo step of the task it
 * wakes (not chosen by the scheduler, so never a point to reorder at, but it orders that task's next
 * step and conflicts with whatever else touches the queue it slept on).
 *
 * Recording is off (Scheduler.fp null) unless an explorer asks for it: plain DFS pays one null check
 * per recorded touch.
 */
export class FootprintLog {
  /** Task id of step i. */
  readonly task: number[] = [];
  /** Step i's accesses are acc[start[i]] .. acc[start[i + 1]] (or the end). */
  readonly start: number[] = [];
  readonly acc: number[] = [];
  /** 1 for a pseudo step (spurious wakeup). */
  readonly pseudo: number[] = [];

  get length(): number {
    return this.task.length;
  }

  reset(): void {
    this.task.length = 0;
    this.start.length = 0;
    this.acc.length = 0;
    this.pseudo.length = 0;
  }

  beginStep(task: number, announced: number): void {
    this.task.push(task);
    this.start.push(this.acc.length);
    this.pseudo.push(0);
    if (announced >= 0) this.acc.push(announced);
  }

  beginPseudo(task: number, a: number): void {
    this.task.push(task);
    this.start.push(this.acc.length);
    this.pseudo.push(1);
    this.acc.push(a);
  }

  /** Set while a debugging check (--check-model) looks at everything between steps. */
  muted = false;

  touch(a: number): void {
    // Before the first step (an Execution building its initial state) nothing is reorderable.
    if (this.task.length !== 0 && !this.muted) this.acc.push(a);
  }

  end(i: number): number {
    return i + 1 < this.start.length ? this.start[i + 1]! : this.acc.length;
  }

  /** The accesses of step i, deduplicated (a copy: the log is reused by the next execution). */
  footprint(i: number): number[] {
    const out: number[] = [];
    for (let k = this.start[i]!, e = this.end(i); k < e; k++) {
      const a = this.acc[k]!;
      if (!out.includes(a)) out.push(a);
    }
    return out;
  }

  /** Do steps i and j touch a common object, one of them not only reading it? */
  dependent(i: number, j: number): boolean {
    const ei = this.end(i);
    const ej = this.end(j);
    for (let a = this.start[i]!; a < ei; a++) {
      const x = this.acc[a]!;
      for (let b = this.start[j]!; b < ej; b++) if (conflicts(x, this.acc[b]!)) return true;
    }
    return false;
  }

  /** Does step i conflict with a footprint kept from another execution? */
  conflictsWith(i: number, fp: readonly number[]): boolean {
    const ei = this.end(i);
    for (let a = this.start[i]!; a < ei; a++) {
      const x = this.acc[a]!;
      for (const y of fp) if (conflicts(x, y)) return true;
    }
    return false;
  }
}

/**
 * Object numbers that do not depend on the order objects were created in: a pte slot created by
 * whichever thread first walks to it must be the same object in every execution, or a footprint
 * kept from one execution would name a different object in the next.
 */
export const STABLE_BASE = 2 ** 27;

/**
 * Object `(a, b)` of namespace `space` (< 8): a < 128 (an mm's number), b < 65536 (a page number,
 * a task id, a name's hash). Kept below 2^28 so that `obj * 4 + kind` stays a small integer.
 */
export function stableObject(space: number, a: number, b: number): number {
  return STABLE_BASE + space * 2 ** 23 + (a & 127) * 2 ** 16 + (b & 0xffff);
}

/** 16 bits of a name, for object numbers that do not depend on creation order. */
export function nameHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) & 0xffff;
  return h;
}

/**
 * A task's pending signals (fatal_signal_pending() and, for a thread that has exited, that nobody
 * is left to signal): written by whoever sends SIGKILL and by the task's own exit, read wherever
 * the task checks for a fatal signal and by a sender looking for live threads. Named by the task's
 * name, not its id: a worker spawned earlier in one schedule than in another keeps its object.
 */
export function signalObject(name: string): number {
  return stableObject(5, 0, nameHash(name));
}
