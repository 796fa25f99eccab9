import type { Kernel } from '../../core/Kernel.js';
import type { UserfaultfdCtx } from '../../core/uffd/userfaultfd.js';
import type { Execution } from '../runtime/Execution.js';
import type { Handle, Proc } from '../runtime/Proc.js';

export type UffdHandle = Extract<Handle, { kind: 'uffd' }>;

/**
 * The userfaultfd a handle names, or null when no thread has opened it yet: another thread's
 * uffd_register may not have run in this interleaving, and the ioctl then fails as on a file
 * descriptor that is not open (EBADF), a result the workload may allow or is judged by.
 */
export function uffdHandle(proc: Proc, name: string): UffdHandle | null {
  const h = proc.handles.get(name);
  return h !== undefined && h.kind === 'uffd' ? h : null;
}

/** What an op on a userfaultfd not opened yet returns. */
export const NOT_OPEN = 'EBADF';
/**
 * The process whose mm the userfaultfd `h` acts on: the one that opened it, even when a fork child
 * that inherited the fd makes the ioctl.
 */
export function uffdOwner(ex: Execution, proc: Proc, h: UffdHandle): Proc {
  return procOfCtx(ex, h.ctx) ?? proc;
}

/** The process whose mm a context belongs to (a fork child's, for contexts from UFFD_EVENT_FORK). */
export function procOfCtx(ex: Execution, ctx: UserfaultfdCtx): Proc | null {
  for (const p of ex.procs.values()) if (p.mm === ctx.mm) return p;
  return null;
}

/**
 * The oracle's view of a resolving ioctl: `value` written over pages [start, end) of that process,
 * recorded the moment the pte is installed (mcopy_atomic's `filled`), before anyone can read it.
 */
export function oracleFill(k: Kernel, ex: Execution, proc: Proc, start: number, end: number, value: number, t0: number): void {
  const ps = k.pageSize;
  for (const pl of proc.layout.values()) {
    const lo = Math.max(start, pl.start);
    const hi = Math.min(end, pl.start + pl.pages);
    if (lo >= hi) continue;
    ex.oracle.write(proc.name, pl.name, (lo - pl.start) * ps, (hi - lo) * ps, value, t0, ex.oracle.now(), 'cpu');
  }
  ex.uffd.populate(proc.mm, start, end);
}

/** A thread named in an op: `PROC.thread`, or `thread` of the op's own process. */
export function findThread(ex: Execution, proc: Proc, name: string) {
  const full = name.includes('.') ? name : `${proc.name}.${name}`;
  return ex.k.sched.tasks.find((t) => t.name === full) ?? null;
}
