import type { MmStruct } from '../../core/mm/MmStruct.js';
import type { UffdObserver } from '../../core/uffd/userfaultfd.js';
import type { Execution } from './Execution.js';
import type { Proc } from './Proc.js';

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
  readonly observer: UffdObserver;

  constructor(private readonly ex: Execution) {
    this.observer = {
      message: (msg) => this.raised.set(`${msg.ctx.mm.id}:${msg.vpn}`, ex.oracle.now()),
      sleep: (t, ctx, held) => {
        if (held) ex.violate('mmap-lock-held-in-userfault', `${t.name} blocks on a userfault of ${ctx.name} while holding mmap_lock`);
      },
    };
  }

  register(mm: MmStruct, start: number, end: number, missing: boolean): void {
    let s = this.missing.get(mm.id);
    if (s === undefined) this.missing.set(mm.id, (s = new Set()));
    for (let v = start; v < end; v++) missing ? s.add(v) : s.delete(v);
  }

  /** fork: the child starts with its parent's pages; with UFFD_FEATURE_EVENT_FORK, its registrations too. */
  fork(parent: MmStruct, child: MmStruct, keepRegistration: boolean): void {
    for (const [k, v] of [...this.populated]) {
      const [mm, vpn] = k.split(':');
      if (Number(mm) === parent.id) this.populated.set(`${child.id}:${vpn}`, v);
    }
    const s = this.missing.get(parent.id);
    if (keepRegistration && s) this.missing.set(child.id, new Set(s));
  }

  populate(mm: MmStruct, start: number, end: number): void {
    const now = this.ex.oracle.now();
    for (let v = start; v < end; v++) this.populated.set(`${mm.id}:${v}`, now);
  }

  zap(mm: MmStruct, start: number, end: number): void {
    for (let v = start; v < end; v++) this.populated.delete(`${mm.id}:${v}`);
  }

  /**
   * An access to [start, end) that began at logical time t0 completed: each page registered in
   * missing mode must have been populated already (before or during the access) or have raised a
   * userfault since t0. Then the pages count as populated.
   */
  accessed(proc: Proc, who: string, start: number, end: number, t0: number): void {
    const mm = proc.mm;
    const s = this.missing.get(mm.id);
    if (s !== undefined) {
      for (let v = start; v < end; v++) {
        if (!s.has(v)) continue;
        const key = `${mm.id}:${v}`;
        const r = this.raised.get(key);
        if (!this.populated.has(key) && !(r !== undefined && r >= t0)) {
          this.ex.violate('missed-userfault', `${who}: an access to ${proc.name} page ${v} (registered missing, never populated) completed without a userfault`);
        }
      }
    }
    this.populate(mm, start, end);
  }
}
