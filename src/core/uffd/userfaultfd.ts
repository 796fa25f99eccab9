/**
 * fs/userfaultfd.c: the userfaultfd context of one mm, registration, the message queue, the wakeup
 * and handle_userfault() itself, kept to the kernel's structure because the uffd-retry and
 * gup-unlock strategies change single lines of it:
 *
 *   queue the uwq and set_current_state() under fault_pending_wqh.lock; decide must_wait (a lockless
 *   pte read) after that, so a wakeup in between makes schedule() a no-op; drop mmap_lock; wake the
 *   reader; schedule(); return VM_FAULT_RETRY and let the caller retry the fault.
 *
 * The context is kept general (a mode per VMA, messages with a reason, wake by range) so that file
 * memory (shmem, minor faults, pte markers) can use it too.
 */
import { BUG_ON } from '../bug.js';
import type { FaultCtx } from '../hooks.js';
import type { Kernel } from '../Kernel.js';
import { mmPageRange, pageAt } from '../trace.js';
import {
  FAULT_FLAG_ALLOW_RETRY,
  FAULT_FLAG_RETRY_NOWAIT,
  FAULT_FLAG_TRIED,
  FAULT_FLAG_TRIED2,
  FAULT_FLAG_WRITE,
  VM_FAULT_NOPAGE,
  VM_FAULT_RETRY,
  VM_FAULT_SIGBUS,
  faultFlagNames,
} from '../mm/flags.js';
import type { MmStruct } from '../mm/MmStruct.js';
import { PTE_MARKER, PTE_NONE } from '../mm/Pte.js';
import type { Vma } from '../mm/Vma.js';
import { __split_vma } from '../mm/mmap.js';
import { BLOCK, READ } from '../sched/Access.js';
import { SpinLock } from '../sched/SpinLock.js';
import type { KGen, Task } from '../sched/Task.js';
import { WaitQueue } from '../sched/WaitQueue.js';

/** vm_flags bits of a registered VMA (the `mode` of UFFDIO_REGISTER). */
export const VM_UFFD_MISSING = 1;
export const VM_UFFD_WP = 2;
export const VM_UFFD_MINOR = 4;

/** uffdio_api.features. */
export const UFFD_FEATURE_EVENT_FORK = 1;

/** uffd_msg.arg.pagefault.flags. */
export const UFFD_PAGEFAULT_FLAG_WRITE = 1;
export const UFFD_PAGEFAULT_FLAG_WP = 2;
export const UFFD_PAGEFAULT_FLAG_MINOR = 4;

export function uffdModeNames(flags: number): string {
  const n: string[] = [];
  if (flags & VM_UFFD_MISSING) n.push('missing');
  if (flags & VM_UFFD_WP) n.push('wp');
  if (flags & VM_UFFD_MINOR) n.push('minor');
  return n.join('|') || 'none';
}

/** struct uffd_msg: a page fault, or a fork event carrying the child's new context. */
export type UffdMsg =
  | { event: 'pagefault'; ctx: UserfaultfdCtx; vpn: number; flags: number; reason: number }
  | { event: 'fork'; ctx: UserfaultfdCtx; child: UserfaultfdCtx };

/** What the harness wants to know about a context (the oracle and the mmap-lock judge). */
export interface UffdObserver {
  /** A page-fault message was queued. */
  message?(msg: UffdMsg & { event: 'pagefault' }): void;
  /** A thread is about to sleep waiting on userspace; `mmapLockHeld`: some mmap_lock is held by it. */
  sleep?(t: Task, ctx: UserfaultfdCtx, mmapLockHeld: boolean): void;
}

/** struct userfaultfd_wait_queue: one blocked userfault. */
export class Uwq {
  readonly obj: number;
  /** Set by userfaultfd_wake_function(): this was the userfault's own wakeup (4.10). */
  waken = false;
  /** Still on fault_pending_wqh or fault_wqh (list_empty_careful() is false). */
  queued = true;
  /** Moved to fault_wqh by read(). */
  read = false;
  constructor(
    k: Kernel,
    readonly t: Task,
    readonly msg: UffdMsg & { event: 'pagefault' },
  ) {
    this.obj = k.sched.newObject();
  }
}

interface ForkEvent {
  msg: UffdMsg & { event: 'fork' };
  read: boolean;
  done: WaitQueue;
}

/** struct userfaultfd_ctx: belongs to the mm that opened it. */
export class UserfaultfdCtx {
  /** fault_pending_wqh.lock, which also protects fault_wqh. */
  readonly wqhLock: SpinLock;
  /** fault_pending_wqh: userfaults not yet read. */
  pending: Uwq[] = [];
  /** fault_wqh: userfaults read, waiting for UFFDIO_COPY/WAKE. */
  readWaiters: Uwq[] = [];
  /** event_wqh: non-cooperative events (fork). */
  events: ForkEvent[] = [];
  /** fd_wqh: readers (the handler) waiting for a message. */
  readonly fdWq: WaitQueue;
  released = false;
  observer: UffdObserver | null = null;
  /** Pages whose fault message was read and that no resolving ioctl or wake has covered since. */
  readonly outstanding = new Set<number>();

  constructor(
    k: Kernel,
    readonly mm: MmStruct,
    readonly features: number,
    readonly name: string,
  ) {
    this.wqhLock = new SpinLock(k.sched, `${name}.fault_pending_wqh.lock`);
    this.fdWq = new WaitQueue(k.sched, `${name}.fd_wqh`);
  }
}

/** userfaultfd(2) + UFFDIO_API. */
export function userfaultfd_new(k: Kernel, mm: MmStruct, features: number, name: string): UserfaultfdCtx {
  return new UserfaultfdCtx(k, mm, features, name);
}

function anyMmapLockHeld(k: Kernel, t: Task): boolean {
  for (const mm of k.mms) if (mm.mmap_lock.heldBy(t)) return true;
  return false;
}

/**
 * userfaultfd_must_wait(): with the uwq queued and the task state set, is the fault still
 * unresolved? A lockless read of the pte: a UFFDIO_COPY that lands before it makes the fault return
 * at once; one that lands after it finds the uwq queued and wakes it.
 */
function* userfaultfd_must_wait(f: FaultCtx, reason: number): KGen<boolean> {
  const pte = f.pte;
  yield pte.obj * 4 + READ;
  // pte_none_mostly(): a pte marker counts as none.
  if (pte.kind === PTE_NONE || pte.kind === PTE_MARKER) return true;
  if (reason & VM_UFFD_WP && pte.uffdWp) return true;
  return false;
}

/** schedule() after set_current_state(): sleeps unless a wakeup already came. */
function* schedule_uwq(t: Task, uwq: Uwq): KGen {
  if (!t.prepared) return;
  t.prepared = false;
  t.sleep(uwq, true);
  t.noRecheck = true;
  yield uwq.obj * 4 + BLOCK;
}

function* queue_uwq(k: Kernel, t: Task, ctx: UserfaultfdCtx, f: FaultCtx, reason: number): KGen<Uwq> {
  const flags = (f.flags & FAULT_FLAG_WRITE ? UFFD_PAGEFAULT_FLAG_WRITE : 0) | (reason & VM_UFFD_WP ? UFFD_PAGEFAULT_FLAG_WP : 0) | (reason & VM_UFFD_MINOR ? UFFD_PAGEFAULT_FLAG_MINOR : 0);
  const uwq = new Uwq(k, t, { event: 'pagefault', ctx, vpn: f.vpn, flags, reason });
  yield* ctx.wqhLock.lock(t);
  // A second message for a page the monitor already has one for (read and not yet resolved, or
  // still queued): what a retry that blocks again costs the monitor.
  if (ctx.outstanding.has(f.vpn) || ctx.pending.some((u) => u.msg.vpn === f.vpn)) k.stats.uffdDuplicateMsgs++;
  // After __add_wait_queue the uwq is visible to read(); set_current_state() before the unlock.
  ctx.pending.push(uwq);
  t.prepared = true;
  ctx.wqhLock.unlock(t);
  k.stats.uffdMessages++;
  ctx.observer?.message?.(uwq.msg);
  return uwq;
}

function* dequeue_uwq(t: Task, ctx: UserfaultfdCtx, uwq: Uwq): KGen {
  // list_empty_careful() without the lock; the delete under it.
  if (!uwq.queued) return;
  yield* ctx.wqhLock.lock(t);
  if (uwq.queued) unlink(ctx, uwq);
  ctx.wqhLock.unlock(t);
}

function unlink(ctx: UserfaultfdCtx, uwq: Uwq): void {
  const l = uwq.read ? ctx.readWaiters : ctx.pending;
  const i = l.indexOf(uwq);
  if (i >= 0) l.splice(i, 1);
  uwq.queued = false;
}

/**
 * handle_userfault(): called from the fault path with mmap_lock held for read and the PTL
 * released. Returns VM_FAULT_* bits; with VM_FAULT_RETRY (unless RETRY_NOWAIT) or
 * VM_FAULT_USERFAULT, mmap_lock has been released.
 */
export function* handle_userfault(k: Kernel, f: FaultCtx, reason: number): KGen<number> {
  const t = f.t;
  const mm = f.vma.mm;
  const ctx = f.vma.uffdCtx;
  if (ctx === null) return VM_FAULT_SIGBUS;
  // The context is the mm's that registered: a sharer of the same file never reaches it.
  BUG_ON(ctx.mm !== mm, `handle_userfault: ${mm.name} faulted into ${ctx.name}, another mm's context`);
  BUG_ON(!mm.mmap_lock.heldBy(t), `handle_userfault without ${mm.name}.mmap_lock`);
  k.tracing && k.log(t, 'handle_userfault', `${pageAt(k, f.vma, f.vpn)} ${uffdModeNames(reason)} (${faultFlagNames(f.flags)})`);
  if (ctx.released) {
    // Not SIGBUS: a manager may close the uffd after its last UFFDIO_COPY (4.11+).
    return VM_FAULT_NOPAGE;
  }
  // A retry that used up ALLOW_RETRY on a non-userfault VM_FAULT_RETRY (a swap-in waiting for the
  // page lock): the VM_FAULT_USERFAULT proposal still lets the userfault block.
  const tried = (f.flags & (FAULT_FLAG_TRIED | FAULT_FLAG_TRIED2)) !== 0;
  if (!(f.flags & FAULT_FLAG_ALLOW_RETRY) && tried && k.hooks.uffdBlockWhenTried(k, f)) {
    k.tracing && k.log(t, 'handle_userfault', `FAULT_FLAG_TRIED without ALLOW_RETRY: a userfault still blocks (VM_FAULT_USERFAULT)`);
  } else if (!(f.flags & FAULT_FLAG_ALLOW_RETRY)) {
    // Nothing may drop mmap_lock for us. On a retry (TRIED) the kernel fails the fault; a first
    // attempt (GUP without `locked`) is the gup-unlock decision.
    if (!tried && k.hooks.userfaultNoRetry(k, f) === 'hold') {
      return yield* userfault_hold(k, t, ctx, f, reason);
    }
    k.tracing && k.log(t, 'handle_userfault', `FAULT_FLAG_ALLOW_RETRY missing: VM_FAULT_SIGBUS`);
    return VM_FAULT_SIGBUS;
  }
  // RETRY_NOWAIT: return VM_FAULT_RETRY without releasing mmap_lock and without queueing.
  if (f.flags & FAULT_FLAG_RETRY_NOWAIT) {
    k.tracing && k.log(t, 'handle_userfault', `RETRY_NOWAIT: VM_FAULT_RETRY, mmap_lock kept`);
    return VM_FAULT_RETRY;
  }
  const uwq = yield* queue_uwq(k, t, ctx, f, reason);
  const must_wait = yield* userfaultfd_must_wait(f, reason);
  mm.mmap_lock.up_read(t);
  if (must_wait && !ctx.released && !t.fatal) {
    ctx.fdWq.wakeAll(); // wake_up_poll(&ctx->fd_wqh, EPOLLIN)
    ctx.observer?.sleep?.(t, ctx, anyMmapLockHeld(k, t));
    yield* schedule_uwq(t, uwq);
    k.tracing && k.log(t, 'handle_userfault', t.fatal ? 'woken by SIGKILL' : uwq.waken ? 'woken by wake_userfault' : 'woken spuriously');
    if (k.hooks.uffdWaitForWaken(k, f)) {
      // 15a77c6fe494: wait for the targeted wakeup; a false one (rwsem, a stray wake_up_process)
      // puts us back to sleep.
      for (;;) {
        t.prepared = true;
        yield uwq.obj * 4 + READ;
        if (uwq.waken || ctx.released || t.fatal) break;
        k.tracing && k.log(t, 'handle_userfault', 'not uwq.waken: sleep again');
        yield* schedule_uwq(t, uwq);
      }
    }
  } else if (!must_wait) k.tracing && k.log(t, 'handle_userfault', 'already resolved: no wait');
  t.prepared = false; // __set_current_state(TASK_RUNNING)
  yield* dequeue_uwq(t, ctx, uwq);
  return k.hooks.uffdSleptReturn(k, f);
}

/**
 * gup-hold: the userfault blocks with mmap_lock held, as a GUP caller that cannot drop it would
 * need. Userspace then decides how long mmap_lock stays held. Returns VM_FAULT_NOPAGE: the caller
 * looks at the pte again.
 */
function* userfault_hold(k: Kernel, t: Task, ctx: UserfaultfdCtx, f: FaultCtx, reason: number): KGen<number> {
  const uwq = yield* queue_uwq(k, t, ctx, f, reason);
  const must_wait = yield* userfaultfd_must_wait(f, reason);
  if (must_wait && !ctx.released && !t.fatal) {
    ctx.fdWq.wakeAll();
    k.tracing && k.log(t, 'handle_userfault', 'no ALLOW_RETRY: block with mmap_lock held');
    ctx.observer?.sleep?.(t, ctx, anyMmapLockHeld(k, t));
    yield* schedule_uwq(t, uwq);
  }
  t.prepared = false;
  yield* dequeue_uwq(t, ctx, uwq);
  return VM_FAULT_NOPAGE;
}

/**
 * userfaultfd_wake_function() over both queues: mark each uwq in [start, end) waken and wake its
 * task if it sleeps (or is about to: set_current_state() done); a task already running stays
 * queued and dequeues itself. Called with wqhLock held.
 */
function wake_range_locked(ctx: UserfaultfdCtx, start: number, end: number): void {
  for (const list of [ctx.pending, ctx.readWaiters]) {
    for (const uwq of [...list]) {
      const a = uwq.msg.vpn;
      if (end > start && (a < start || a >= end)) continue;
      uwq.waken = true;
      const t = uwq.t;
      if (t.blockedOn === uwq || t.prepared) {
        t.wake();
        unlink(ctx, uwq);
      }
    }
  }
}

/** wake_userfault(): UFFDIO_WAKE, and the wake after UFFDIO_COPY / ZEROPAGE / WRITEPROTECT. */
export function* wake_userfault(k: Kernel, t: Task, ctx: UserfaultfdCtx, start: number, end: number): KGen {
  for (let v = start; v < end; v++) ctx.outstanding.delete(v);
  yield* ctx.wqhLock.lock(t);
  wake_range_locked(ctx, start, end);
  ctx.wqhLock.unlock(t);
  k.tracing && k.log(t, 'wake_userfault', `${ctx.name} ${mmPageRange(k, ctx.mm, start, end)}`);
}

/**
 * read(2) on the userfaultfd (userfaultfd_ctx_read over the contexts the handler polls): the
 * oldest unread fault moves to fault_wqh; fork events come next. Sleeps until one arrives, or
 * returns null when `stop()` says so (checked before each sleep) or every context is released.
 */
export function* userfaultfd_read(k: Kernel, t: Task, ctxs: UserfaultfdCtx[], stop: () => boolean, alsoWake: WaitQueue | null): KGen<UffdMsg | null> {
  for (;;) {
    // The queues, events and release flag below change only with a wake of fd_wqh (or of the
    // handler's own event): reading them is ordered against those wakes.
    for (const ctx of ctxs) ctx.fdWq.checked();
    alsoWake?.checked();
    for (const ctx of ctxs) {
      if (ctx.pending.length === 0) continue;
      yield* ctx.wqhLock.lock(t);
      const uwq = ctx.pending.shift();
      if (uwq !== undefined) {
        uwq.read = true;
        ctx.readWaiters.push(uwq);
      }
      ctx.wqhLock.unlock(t);
      if (uwq === undefined) continue;
      ctx.outstanding.add(uwq.msg.vpn);
      return uwq.msg;
    }
    for (const ctx of ctxs) {
      const ev = ctx.events.find((e) => !e.read);
      if (ev !== undefined) {
        ev.read = true;
        ev.done.wakeAll();
        return ev.msg;
      }
    }
    if (ctxs.every((c) => c.released) || stop() || t.fatal) return null;
    for (const ctx of ctxs) ctx.fdWq.waiters.push(t);
    if (alsoWake !== null) alsoWake.waiters.push(t);
    t.sleep(ctxs[0]!.fdWq, true);
    yield ctxs[0]!.fdWq.id * 4 + BLOCK;
    for (const ctx of ctxs) ctx.fdWq.remove(t);
    if (alsoWake !== null) alsoWake.remove(t);
  }
}

/** Split the VMAs of `mm` at start and end so that [start, end) is covered by whole VMAs; returns them. */
export function split_range(k: Kernel, mm: MmStruct, start: number, end: number): Vma[] {
  const out: Vma[] = [];
  const inside: Vma[] = [];
  for (const v of mm.vmas) {
    if (v.end <= start || v.start >= end) {
      out.push(v);
      continue;
    }
    const cuts = [v.start, Math.max(v.start, start), Math.min(v.end, end), v.end];
    for (let i = 0; i < 3; i++) {
      if (cuts[i]! >= cuts[i + 1]!) continue;
      if (cuts[i] === v.start && cuts[i + 1] === v.end) {
        out.push(v);
        inside.push(v);
        continue;
      }
      const nv = __split_vma(k, v, cuts[i]!, cuts[i + 1]!);
      out.push(nv);
      if (i === 1) inside.push(nv);
    }
  }
  out.sort((a, b) => a.start - b.start);
  mm.vmas = out;
  return inside;
}

export type UffdErr = 'EINVAL' | 'EBUSY' | 'ENOENT' | 'EEXIST' | 'EFAULT' | 'ENOMEM' | 'EAGAIN' | 'EINTR';

/** UFFDIO_REGISTER: mark [start, end) of this mm with the context and mode, under mmap_lock for write. */
export function* userfaultfd_register(k: Kernel, t: Task, ctx: UserfaultfdCtx, start: number, end: number, mode: number): KGen<UffdErr | null> {
  k.stats.syscalls++;
  const mm = ctx.mm;
  yield* mm.mmap_lock.down_write(t);
  try {
    for (let v = start; v < end; v++) if (mm.find_vma(v) === null) return 'EINVAL';
    for (const v of mm.vmas) {
      if (v.end <= start || v.start >= end) continue;
      if (v.uffdCtx !== null && v.uffdCtx !== ctx) return 'EBUSY';
      // vma_can_userfault(): minor faults need a page cache (shmem, hugetlbfs), not anonymous memory.
      if (mode & VM_UFFD_MINOR && v.anonymous) return 'EINVAL';
    }
    for (const v of split_range(k, mm, start, end)) {
      v.uffdCtx = ctx;
      v.uffdFlags = mode;
    }
    k.tracing && k.log(t, 'userfaultfd_register', `${ctx.name}: ${mmPageRange(k, mm, start, end)} ${uffdModeNames(mode)}`);
    return null;
  } finally {
    mm.mmap_lock.up_write(t);
  }
}

/** UFFDIO_UNREGISTER: clear the range, waking any userfault still pending on it so it cannot hang. */
export function* userfaultfd_unregister(k: Kernel, t: Task, ctx: UserfaultfdCtx, start: number, end: number): KGen<UffdErr | null> {
  k.stats.syscalls++;
  const mm = ctx.mm;
  yield* mm.mmap_lock.down_write(t);
  for (const v of split_range(k, mm, start, end)) {
    if (v.uffdCtx !== ctx) continue;
    v.uffdCtx = null;
    v.uffdFlags = 0;
  }
  for (let vpn = start; vpn < end; vpn++) {
    const pte = mm.pt.get(vpn);
    if (pte !== undefined && pte.uffdWp) {
      if (pte.kind === PTE_MARKER) pte.clear();
      else {
        pte.uffdWp = false;
        pte.seq++;
      }
    }
  }
  mm.mmap_lock.up_write(t);
  yield* wake_userfault(k, t, ctx, start, end);
  k.tracing && k.log(t, 'userfaultfd_unregister', `${ctx.name}: ${mmPageRange(k, mm, start, end)}`);
  return null;
}

/**
 * userfaultfd_release(): the last reference to the file went. Unregister every VMA of the context
 * and wake every blocked userfault; they return and retry without it.
 */
export function* userfaultfd_release(k: Kernel, t: Task, ctx: UserfaultfdCtx): KGen {
  ctx.released = true;
  const mm = ctx.mm;
  if (!mm.dead) {
    yield* mm.mmap_lock.down_write(t);
    for (const v of mm.vmas) {
      if (v.uffdCtx !== ctx) continue;
      v.uffdCtx = null;
      v.uffdFlags = 0;
    }
    mm.mmap_lock.up_write(t);
  }
  yield* ctx.wqhLock.lock(t);
  wake_range_locked(ctx, 0, 0);
  ctx.wqhLock.unlock(t);
  for (const e of ctx.events) e.done.wakeAll();
  ctx.fdWq.wakeAll();
  k.tracing && k.log(t, 'userfaultfd_release', `${ctx.name} released`);
}

/**
 * dup_userfaultfd(): at fork, a registered VMA stays registered in the child only with
 * UFFD_FEATURE_EVENT_FORK, with a new context the monitor learns about from a fork event;
 * otherwise the child's VMA is unregistered. Returns the child's context (one per parent context).
 */
export function dup_userfaultfd(k: Kernel, vma: Vma, nv: Vma, child: MmStruct, fctxs: Map<UserfaultfdCtx, UserfaultfdCtx>): void {
  const ctx = vma.uffdCtx;
  nv.uffdCtx = null;
  nv.uffdFlags = 0;
  if (ctx === null || ctx.released || !(ctx.features & UFFD_FEATURE_EVENT_FORK)) return;
  let c = fctxs.get(ctx);
  if (c === undefined) {
    c = new UserfaultfdCtx(k, child, ctx.features, `${ctx.name}@${child.name}`);
    c.observer = ctx.observer;
    fctxs.set(ctx, c);
  }
  nv.uffdCtx = c;
  nv.uffdFlags = vma.uffdFlags;
}

/**
 * dup_fctx() / userfaultfd_event_wait_completion(): after dup_mmap, the forking thread queues
 * UFFD_EVENT_FORK on the parent's context and waits until the monitor has read it.
 */
export function* dup_userfaultfd_complete(k: Kernel, t: Task, fctxs: Map<UserfaultfdCtx, UserfaultfdCtx>): KGen {
  for (const [ctx, child] of fctxs) {
    const ev: ForkEvent = { msg: { event: 'fork', ctx, child }, read: false, done: new WaitQueue(k.sched, `${ctx.name} fork event`) };
    ctx.events.push(ev);
    ctx.fdWq.wakeAll();
    k.tracing && k.log(t, 'dup_fctx', `UFFD_EVENT_FORK on ${ctx.name}: child context ${child.name}`);
    while (!ev.read && !ctx.released && !t.fatal) yield* ev.done.wait(t, true);
  }
}
