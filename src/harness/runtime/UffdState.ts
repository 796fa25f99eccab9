import { mmPageAt } from '../../core/trace.js';
import type { MmStruct } from '../../core/mm/MmStruct.js';
import { VM_UFFD_WP, type UffdObserver } from '../../core/uffd/userfaultfd.js';
import type { Execution } from './Execution.js';
import type { Proc } from './Proc.js';
import { stableObject } from '../../core/sched/Footprint.js';
import { WRITE } from '../../core/sched/Access.js';

const ORACLE_UFFD = stableObject(3, 4, 0);

/**
 * What the harness keeps about userfaultfd to judge `missed-userfault` and
 * `mmap-lock-held-in-userfault` without looking at ptes: which pages of which mm the workload's own
 * operations have populated (an access, a resolving ioctl; MADV_DONTNEED and munmap undo it), which
 * pages raised a userfault message when, and which ranges the workload registered in missing mode.
 */
export class UffdState {
  /** `${mm.id}:${vpn}` -> logical time the page was last populated. */
  private readonly populated = new Map<string, number>();
  /** `${mm.id}:${vpn}` -> logical time of the last userfault message for it. */
  private readonly raised = new Map<string, number>();
  /** mm id -> pages registered in missing mode. */
  private readonly missing = new Map<number, Set<number>>();
  /** mm id -> pages registered in minor mode. */
  private readonly minor = new Map<number, Set<number>>();
  /** `f:${file}:${index}` -> logical time a page of a shmem file came to exist (any sharer). */
  private readonly fileHas = new Map<string, number>();
  /** `${mm.id}:${vpn}` -> logical time UFFDIO_WRITEPROTECT(wp) completed on the page. */
  private readonly wp = new Map<string, number>();
  /** `${mm.id}:${vpn}` -> logical time of the last write-protect userfault message for it. */
  private readonly raisedWp = new Map<string, number>();
  readonly observer: UffdObserver;

  /**
   * All of this is one object for partial-order reduction, written by every call: its judgements
   * compare logical times kept per page and mm, set and cleared by many ops. Only workloads using
   * userfaultfd pay for it (without a registration none of it can judge anything).
   */
  private touch(): void {
    if (this.ex.usesUffd) this.ex.k.sched.touch(ORACLE_UFFD * 4 + WRITE);
  }

  constructor(private readonly ex: Execution) {
    this.observer = {
      message: (msg) => {
        this.touch();
        const now = ex.oracle.now();
        this.raised.set(`${msg.ctx.mm.id}:${msg.vpn}`, now);
        if (msg.reason & VM_UFFD_WP) this.raisedWp.set(`${msg.ctx.mm.id}:${msg.vpn}`, now);
      },
      sleep: (t, ctx, held) => {
        if (held) ex.violate('mmap-lock-held-in-userfault', `${t.name} blocks on a userfault of ${ctx.name} while holding mmap_lock`);
      },
    };
  }

  register(mm: MmStruct, start: number, end: number, missing: boolean, minor = false): void {
    this.touch();
    let s = this.missing.get(mm.id);
    if (s === undefined) this.missing.set(mm.id, (s = new Set()));
    for (let v = start; v < end; v++) missing ? s.add(v) : s.delete(v);
    let m = this.minor.get(mm.id);
    if (m === undefined) this.minor.set(mm.id, (m = new Set()));
    for (let v = start; v < end; v++) minor ? m.add(v) : m.delete(v);
  }

  /** UFFDIO_UNREGISTER: no mode, no write protection left on the range. */
  unregister(mm: MmStruct, start: number, end: number): void {
    this.touch();
    this.register(mm, start, end, false, false);
    this.unprotect(mm, start, end);
  }

  /** UFFDIO_WRITEPROTECT(wp) completed: from now on a write must raise a wp userfault first. */
  protect(mm: MmStruct, start: number, end: number): void {
    this.touch();
    const now = this.ex.oracle.now();
    for (let v = start; v < end; v++) this.wp.set(`${mm.id}:${v}`, now);
  }

  /** A resolve (UFFDIO_WRITEPROTECT without wp) begins: writes may complete from now on. */
  unprotect(mm: MmStruct, start: number, end: number): void {
    this.touch();
    for (let v = start; v < end; v++) this.wp.delete(`${mm.id}:${v}`);
  }

  /** The shmem file page behind an address of this mm, as `f:file:index`; null for anonymous memory. */
  private fileKey(mm: MmStruct, vpn: number): string | null {
    const vma = mm.find_vma(vpn);
    if (vma === null || vma.file === null) return null;
    return `f:${vma.file.name}:${vma.pgindex(vpn)}`;
  }

  /** fallocate(PUNCH_HOLE): the file pages are gone for every sharer. */
  punch(file: string, first: number, last: number): void {
    this.touch();
    for (let i = first; i < last; i++) this.fileHas.delete(`f:${file}:${i}`);
    for (const mm of this.ex.k.mms) {
      for (const v of mm.vmas) {
        if (v.file?.name !== file) continue;
        for (let vpn = v.start; vpn < v.end; vpn++) {
          const i = v.pgindex(vpn);
          if (i >= first && i < last) this.populated.delete(`${mm.id}:${vpn}`);
        }
      }
    }
  }

  /**
   * A write to [start, end) that began at t0 completed: each page write-protected (by an
   * UFFDIO_WRITEPROTECT that completed before t0 and no resolve since) must have raised a
   * write-protect userfault in this mm since t0. Zapping, reclaim and hole punch do not end the
   * protection the monitor asked for; only a resolve, unregister or munmap does.
   */
  wrote(proc: Proc, who: string, start: number, end: number, t0: number): void {
    this.touch();
    const mm = proc.mm;
    for (let v = start; v < end; v++) {
      const key = `${mm.id}:${v}`;
      const since = this.wp.get(key);
      if (since === undefined || since >= t0) continue;
      const r = this.raisedWp.get(key);
      if (r === undefined || r < t0) {
        this.ex.violate('missed-wp-fault', `${who}: a write to ${proc.name} ${mmPageAt(this.ex.k, mm, v)} (write-protected by UFFDIO_WRITEPROTECT before the write began) completed without a write-protect userfault`);
      }
    }
  }

  /** fork: the child starts with its parent's pages; with UFFD_FEATURE_EVENT_FORK, its registrations too. */
  fork(parent: MmStruct, child: MmStruct, keepRegistration: boolean): void {
    this.touch();
    for (const [k, v] of [...this.populated]) {
      const [mm, vpn] = k.split(':');
      if (Number(mm) === parent.id) this.populated.set(`${child.id}:${vpn}`, v);
    }
    const s = this.missing.get(parent.id);
    if (keepRegistration && s) this.missing.set(child.id, new Set(s));
    const m = this.minor.get(parent.id);
    if (keepRegistration && m) this.minor.set(child.id, new Set(m));
    if (keepRegistration) {
      for (const [k, v] of [...this.wp]) {
        const [mm, vpn] = k.split(':');
        if (Number(mm) === parent.id) this.wp.set(`${child.id}:${vpn}`, v);
      }
    }
  }

  populate(mm: MmStruct, start: number, end: number): void {
    // Without userfaultfd in the workload nothing is registered and nothing here is ever judged:
    // taking the oracle's clock would only order every access with every other for nothing.
    if (!this.ex.usesUffd) return;
    this.touch();
    const now = this.ex.oracle.now();
    for (let v = start; v < end; v++) {
      this.populated.set(`${mm.id}:${v}`, now);
      const f = this.fileKey(mm, v);
      if (f !== null && !this.fileHas.has(f)) this.fileHas.set(f, now);
    }
  }

  /** MADV_DONTNEED or munmap: this mm's pages go (a shmem file keeps its own). munmap ends wp. */
  zap(mm: MmStruct, start: number, end: number, unmap = false): void {
    this.touch();
    for (let v = start; v < end; v++) {
      this.populated.delete(`${mm.id}:${v}`);
      // An anonymous page is gone with its uffd-wp bit; a shmem page stays protected.
      if (unmap || this.fileKey(mm, v) === null) this.wp.delete(`${mm.id}:${v}`);
    }
  }

  /**
   * An access to [start, end) that began at logical time t0 completed: each page registered in
   * missing mode must have been populated already (before or during the access) or have raised a
   * userfault since t0. Then the pages count as populated.
   */
  accessed(proc: Proc, who: string, start: number, end: number, t0: number): void {
    this.touch();
    const mm = proc.mm;
    const s = this.missing.get(mm.id);
    const m = this.minor.get(mm.id);
    for (let v = start; v < end; v++) {
      const key = `${mm.id}:${v}`;
      const r = this.raised.get(key);
      if (r !== undefined && r >= t0) continue;
      // A shmem page is missing only while the file has a hole there: a sharer may fill it.
      const f = this.fileKey(mm, v);
      const present = f !== null ? this.fileHas.has(f) : this.populated.has(key);
      if (s?.has(v) && !present) {
        this.ex.violate('missed-userfault', `${who}: an access to ${proc.name} ${mmPageAt(this.ex.k, mm, v)} (registered missing, never populated) completed without a userfault`);
      }
      // Minor: the file had the page before the access began, and this mm had not mapped it.
      const had = f !== null ? this.fileHas.get(f) : undefined;
      if (m?.has(v) && had !== undefined && had < t0 && !this.populated.has(key)) {
        this.ex.violate('missed-userfault', `${who}: an access to ${proc.name} ${mmPageAt(this.ex.k, mm, v)} (registered minor, in the page cache, not mapped by this mm) completed without a userfault`);
      }
    }
    this.populate(mm, start, end);
  }
}
