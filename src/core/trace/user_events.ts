/**
 * kernel/trace/trace_events_user.c (6.4, 7235759084a4 "tracing/user_events: Use remote writes for
 * event enablement" and its series): a process registers an event with the address of an integer
 * and a bit in it; whenever a tracer enables or disables the event, the kernel sets or clears that
 * bit in the process's memory, from another context, through pin_user_pages_remote(). A page that
 * is not there (swapped out, never touched, COW-shared after fork) cannot be pinned with
 * FOLL_NOFAULT while event_mutex is held: the write is handed to a worker that faults the page in
 * without the mutex and tries again (user_event_enabler_fault_fixup). What that worker does when
 * the fault-in fails is the decision the seed 004 thread argued about (hooks userEventsFixupFailed
 * and userEventsSyncFault); which word and bit the kernel touches is the ABI question (hooks
 * userEventsRegGet and userEventsAlignAddrBit).
 */
import { nameHash, stableObject } from '../sched/Footprint.js';
import { TouchedMap } from '../sched/TouchedMap.js';
import type { Scheduler } from '../sched/Scheduler.js';
import { BUG_ON, Livelock } from '../bug.js';
import type { Kernel } from '../Kernel.js';
import { hex, userAddr } from '../trace.js';
import { FAULT_FLAG_REMOTE, FAULT_FLAG_WRITE, FOLL_NOFAULT, FOLL_PIN, FOLL_REMOTE, FOLL_WRITE } from '../mm/flags.js';
import { __get_user_pages, fixup_user_fault, gup_put_page, type Errno } from '../mm/gup.js';
import type { MmStruct } from '../mm/MmStruct.js';
import type { Page } from '../mm/Page.js';
import { LOCK, READ, WRITE } from '../sched/Access.js';
import { Mutex } from '../sched/Mutex.js';
import { BLOCK } from '../sched/Access.js';
import { BLOCKED, DONE, RUNNABLE, type KGen, type Task } from '../sched/Task.js';

/** struct user_reg as the user fills it: the user's integer (address, size) and the bit meant. */
export interface UserReg {
  addr: number;
  /** enable_size: 4 or 8 (bytes of the user's integer). */
  size: number;
  /** enable_bit: `value & (1 << bit)` of the user's integer. */
  bit: number;
  flags: number;
}

/** What the kernel keeps in a user_event_enabler: addr and the values word (bit, 32-on-64 flag). */
export interface EnablerSpec {
  addr: number;
  bit: number;
  /** ENABLE_VAL_32_ON_64_BIT: a 4-byte enable word on a 64-bit kernel. */
  compat32: boolean;
}

/** The long a set_bit()/clear_bit() operates on, and the bit number within it. */
export interface BitopTarget {
  uaddr: number;
  bit: number;
}

/** What the async fault worker does when fixup_user_fault() failed (not counting a dying mm). */
export type FixupFailedAction = 'giveup' | 'retry' | 'kill';

/** struct user_event, reduced to its enable state: status != 0 while some tracer has it enabled. */
export class UserEvent {
  status = false;
  refcnt = 0;
  constructor(readonly name: string) {}
}

/** struct user_event_enabler. */
export class UserEventEnabler implements EnablerSpec {
  /** ENABLE_VAL_FAULTING_BIT: an async fault-in is queued or running. */
  faulting = false;
  /** ENABLE_VAL_FREEING_BIT: unregistered while faulting; the worker frees it. */
  freeing = false;
  constructor(
    /** null: the temporary enabler of user_event_mm_clear_bit() (always clears). */
    readonly event: UserEvent | null,
    readonly addr: number,
    readonly bit: number,
    readonly compat32: boolean,
  ) {}
}

/** The footprint object of `mm`'s user_event_mm: current->user_event_mm and its task count. */
function userEventMmObject(mm: MmStruct): number {
  return stableObject(2, 1, nameHash(mm.name));
}

/** user_event_mms, the list as a whole (what user_event_mm_get_all() walks). */
const USER_EVENT_MMS = stableObject(2, 2, 0);

/** struct user_event_mm: the enablers of one address space. */
export class UserEventMm {
  enablers: UserEventEnabler[] = [];
  private _tasks = 1;
  refcnt = 1;
  private readonly obj: number;
  constructor(
    readonly mm: MmStruct,
    private readonly sched: Scheduler,
  ) {
    this.obj = userEventMmObject(mm);
  }

  /**
   * Tasks (processes here: threads of one process share it, CLONE_VM) using it. The last task's
   * exit drops it to 0 without event_mutex, and the fault worker's "mm has no task left" check
   * decides between ENOENT and a fault-in that may fail (and, under kill-on-fault, a SIGKILL):
   * logged in the footprint so that the two stay ordered.
   */
  get tasks(): number {
    this.sched.touch(this.obj * 4 + READ);
    return this._tasks;
  }

  set tasks(v: number) {
    this.sched.touch(this.obj * 4 + WRITE);
    this._tasks = v;
  }
}

/** A process that user_events sent SIGKILL to, for the harness to judge. */
export interface UserEventsKill {
  mm: MmStruct;
  why: string;
}

/** The subsystem's global state: event_mutex, the event table and user_event_mms. */
export class UserEvents {
  readonly event_mutex: Mutex;
  readonly events = new Map<string, UserEvent>();
  /** user_event_mms, the RCU list tracers walk. */
  readonly mms: UserEventMm[] = [];
  /** current->user_event_mm, per address space. */
  readonly byMm: Map<MmStruct, UserEventMm>;
  readonly kills: UserEventsKill[] = [];
  private workers = 0;

  constructor(readonly k: Kernel) {
    this.event_mutex = new Mutex(k.sched, 'event_mutex', stableObject(2, 0, 0));
    // Looked up by fork and exit without event_mutex.
    this.byMm = new TouchedMap(() => k.sched.fp, userEventMmObject);
  }

  nextWorker(): string {
    return `kworker/${this.workers++}`;
  }
}

export function user_events(k: Kernel): UserEvents {
  let ue = k.ext.get('user_events') as UserEvents | undefined;
  if (ue === undefined) {
    ue = new UserEvents(k);
    k.ext.set('user_events', ue);
  }
  return ue;
}

/** The state if anything used user_events in this execution, else null. */
export function user_events_state(k: Kernel): UserEvents | null {
  return (k.ext.get('user_events') as UserEvents | undefined) ?? null;
}

/** include/uapi/linux/user_events.h (6.4): no registration flag is defined yet. */
export const USER_EVENT_REG_MAX = 1 << 0;

/** TASK_SIZE_MAX (x86-64 with 4-level paging) and the 3G/1G split's TASK_SIZE on 32-bit. */
export function task_size(k: Kernel): number {
  return k.arch.bits === 64 ? 0x7ffffffff000 : 0xc0000000;
}

/** access_ok(): the range lies below TASK_SIZE. */
export function access_ok(k: Kernel, addr: number, size: number): boolean {
  return addr >= 0 && addr + size <= task_size(k);
}

/**
 * user_reg_get() as merged (the `abi-size-bit` ABI, Mathieu's proposal in the seed thread): the
 * size of the user's integer comes with the bit, so the kernel can check natural alignment and the
 * bit range for either size.
 */
export function user_reg_get(k: Kernel, reg: UserReg): EnablerSpec | Errno {
  if (reg.flags & ~(USER_EVENT_REG_MAX - 1)) return 'EINVAL';
  switch (reg.size) {
    case 4:
      break;
    case 8:
      // #if BITS_PER_LONG >= 64
      if (k.arch.bits >= 64) break;
      return 'EINVAL';
    default:
      return 'EINVAL';
  }
  if (reg.addr % reg.size !== 0) return 'EINVAL';
  if (reg.bit > reg.size * 8 - 1) return 'EINVAL';
  if (!access_ok(k, reg.addr, reg.size)) return 'EFAULT';
  return { addr: reg.addr, bit: reg.bit, compat32: k.arch.bits >= 64 && reg.size === 4 };
}

/**
 * align_addr_bit(): the bitops work on unsigned longs, so a 4-byte enable word on a 64-bit kernel
 * is reached through the long that contains it. Aligned down when it is the second half of that
 * long: on little-endian its bits are then 32..63 of the long; on big-endian they are 0..31 of the
 * long when unaligned and 32..63 when aligned.
 */
export function align_addr_bit(k: Kernel, e: EnablerSpec): BitopTarget {
  const L = k.arch.bits / 8;
  let uaddr = e.addr;
  let bit = e.bit;
  if (uaddr % L === 0) {
    if (k.arch.endian === 'big' && e.compat32) bit += 32;
    return { uaddr, bit };
  }
  uaddr -= uaddr % L;
  if (k.arch.endian === 'little') bit += 32;
  return { uaddr, bit };
}

/** The byte of the long at `uaddr` that set_bit(bit) changes, and the mask within it. */
export function bitop_byte(k: Kernel, target: BitopTarget): { addr: number; mask: number } {
  const L = k.arch.bits / 8;
  const idx = target.bit >> 3;
  return { addr: target.uaddr + (k.arch.endian === 'little' ? idx : L - 1 - idx), mask: 1 << (target.bit & 7) };
}

/** Find or create the event (user_event_parse(); a tracer may also create it, as dynamic_events does). */
export function find_user_event(k: Kernel, name: string): UserEvent {
  const ue = user_events(k);
  let e = ue.events.get(name);
  if (e === undefined) {
    e = new UserEvent(name);
    ue.events.set(name, e);
  }
  return e;
}

/** current_user_event_mm(): allocate and attach on first use. */
function current_user_event_mm(k: Kernel, mm: MmStruct): UserEventMm {
  const ue = user_events(k);
  let um = ue.byMm.get(mm);
  if (um === undefined) {
    um = new UserEventMm(mm, k.sched);
    ue.byMm.set(mm, um);
    k.sched.touch(USER_EVENT_MMS * 4 + WRITE);
    ue.mms.push(um);
  }
  um.refcnt++;
  return um;
}

function user_event_mm_put(k: Kernel, um: UserEventMm): void {
  if (--um.refcnt > 0) return;
  // user_event_mm_destroy()
  for (const e of um.enablers.slice()) user_event_enabler_destroy(k, um, e);
}

function user_event_enabler_destroy(k: Kernel, um: UserEventMm, e: UserEventEnabler): void {
  const i = um.enablers.indexOf(e);
  if (i >= 0) um.enablers.splice(i, 1);
  if (e.event) e.event.refcnt--;
  void k;
}

/**
 * Watchdog: a fault work item that re-queued itself this many times in a row without the write
 * ever landing is retrying without progress (twice the merged code's attempt cap).
 */
export const FAULT_ROUNDS_LIVELOCK = 20;

/** A work item's view of itself, so that a fault it queues again runs as its next round. */
interface FaultWork {
  enabler: UserEventEnabler;
  task: Task;
  requeued: number | null;
}

/** user_event_mm_fault_in(): fault the enable word in, writable, as the CPU would; at most 10 attempts. */
export function* user_event_mm_fault_in(k: Kernel, t: Task, um: UserEventMm, uaddr: number, attempt: number): KGen<0 | Errno> {
  // Bounds the loop that a page which keeps disappearing after a successful fault-in could cause.
  if (attempt > 10) return 'EFAULT';
  const faults0 = k.stats.faults;
  yield* um.mm.mmap_lock.down_read(t);
  let ret: 0 | Errno;
  // Ensure the mm has tasks: it cannot be used after exit_mm().
  if (um.tasks === 0) ret = 'ENOENT';
  else {
    const unlocked = { unlocked: false };
    ret = yield* fixup_user_fault(k, t, um.mm, uaddr, FAULT_FLAG_WRITE | FAULT_FLAG_REMOTE, unlocked);
  }
  um.mm.mmap_lock.up_read(t);
  k.stats.enablerFaults += k.stats.faults - faults0;
  k.tracing && k.log(t, 'user_event_mm_fault_in', `${um.mm.name} ${userAddr(k, um.mm, uaddr)} attempt ${attempt}: ${ret === 0 ? 'ok' : ret}`);
  return ret;
}

/**
 * force_sig(SIGKILL) to every task using `mm` (the kill-on-fault proposal). An mm whose threads have
 * all exited (the worker ran after the last one left) has nobody to kill: nothing is sent, and
 * nothing is reported.
 */
export function force_sig_mm(k: Kernel, w: Task, mm: MmStruct, why: string): void {
  const ue = user_events(k);
  let killed = 0;
  for (const t of k.sched.tasks) {
    if (t.kernelThread) continue;
    if ((t.owner as { mm?: unknown } | null)?.mm !== mm) continue;
    // Whether the thread is still there to kill depends on whether its exit came first.
    k.sched.touch(t.signalObj * 4 + READ);
    if (t.state === DONE) continue;
    t.fatal = true;
    if (t.killable) t.wake();
    killed++;
  }
  if (killed === 0) {
    k.tracing && k.log(w, 'force_sig_mm', `${mm.name} has no task left: nobody to kill`);
    return;
  }
  k.stats.processesKilled++;
  ue.kills.push({ mm, why });
}

/**
 * The livelock watchdog's fairness: a work item that retried FAULT_ROUNDS_LIVELOCK times without
 * the write landing gives the other threads a turn before its next attempt (it sleeps until some
 * other task has taken a step, or none can). A retry loop that another runnable thread would end
 * (by freeing memory, remapping, exiting) is an unfair schedule, not a livelock; only a retry that
 * fails while no other thread can run is one: nothing can ever change its outcome.
 */
function* cede(k: Kernel, w: Task, why: string): KGen {
  const sched = k.sched;
  const others = sched.tasks.some((o) => o !== w && o.state === RUNNABLE);
  if (!others) throw new Livelock(`${why}, and no other thread can run to change that`);
  const at = sched.steps;
  const prev = sched.beforeStep;
  const token = {};
  sched.beforeStep = (s) => {
    if (prev !== null) prev(s);
    if (w.state !== BLOCKED || w.blockedOn !== token) return;
    if (s.steps > at || !s.tasks.some((o) => o !== w && o.state === RUNNABLE)) {
      s.beforeStep = prev;
      // Not an event the worker waited for: no time passes to it from whoever ran last.
      w.wake(null);
    }
  };
  k.tracing && k.log(w, 'user_event_enabler_fault_fixup', `${why}: let the other threads run first`);
  w.sleep(token);
  yield stableObject(6, 0, w.id) * 4 + BLOCK;
}

/**
 * user_event_enabler_fault_fixup(): the work item. Faults the page in without event_mutex, then
 * under it clears FAULTING and, if the page came in, writes the current state again (which may
 * queue this work once more, up to the attempt cap).
 */
function* user_event_enabler_fault_fixup(k: Kernel, w: Task, um: UserEventMm, work: FaultWork, attempt0: number): KGen {
  const ue = user_events(k);
  const enabler = work.enabler;
  let attempt = attempt0;
  for (let round = 1; ; round++) {
    if (round > FAULT_ROUNDS_LIVELOCK) {
      yield* cede(k, w, `fault work for ${um.mm.name} @ 0x${enabler.addr.toString(16)} re-queued itself ${round - 1} times without the enable write landing`);
    }
    work.requeued = null;
    const ret = yield* user_event_mm_fault_in(k, w, um, enabler.addr, attempt);
    let retry = false;
    if (ret !== 0 && ret !== 'ENOENT') {
      const act = k.hooks.userEventsFixupFailed(k, ret);
      k.tracing && k.log(w, 'user_event_enabler_fault_fixup', `fault for ${um.mm.name} ${userAddr(k, um.mm, enabler.addr)} event ${enabler.event?.name ?? '?'}: ${ret} -> ${act}`);
      if (act === 'kill') force_sig_mm(k, w, um.mm, `user_events fault-in of 0x${enabler.addr.toString(16)} failed with ${ret}`);
      else if (act === 'retry') retry = true;
    }
    yield* ue.event_mutex.lock(w);
    if (enabler.freeing) {
      // The user unregistered during the fault.
      user_event_enabler_destroy(k, um, enabler);
      ue.event_mutex.unlock(w);
      user_event_mm_put(k, um);
      return;
    }
    enabler.faulting = false;
    if (ret === 0 || retry) {
      yield* um.mm.mmap_lock.down_read(w);
      const a = { n: attempt };
      yield* user_event_enabler_write(k, w, um, enabler, true, a, work);
      attempt = a.n;
      um.mm.mmap_lock.up_read(w);
    }
    ue.event_mutex.unlock(w);
    user_event_mm_put(k, um);
    if (work.requeued === null) return;
    attempt = work.requeued;
  }
}

/** user_event_enabler_queue_fault(): schedule_work() a fault-in; FAULTING until it has run. */
function user_event_enabler_queue_fault(k: Kernel, t: Task, um: UserEventMm, enabler: UserEventEnabler, attempt: number, self: FaultWork | null): boolean {
  enabler.faulting = true;
  um.refcnt++;
  if (self !== null && self.enabler === enabler && self.task === t) {
    // Queued again from the work item itself: the same kworker runs it next.
    self.requeued = attempt;
    return true;
  }
  const ue = user_events(k);
  const work: FaultWork = { enabler, task: null as unknown as Task, requeued: null };
  work.task = k.sched.spawn(ue.nextWorker(), null, true, (w) => user_event_enabler_fault_fixup(k, w, um, work, attempt));
  k.tracing && k.log(t, 'user_event_enabler_queue_fault', `${um.mm.name} ${userAddr(k, um.mm, enabler.addr)} -> ${work.task.name}`);
  return true;
}

/**
 * user_event_enabler_write(): with event_mutex and mmap_lock (read) held, pin the page of the
 * enable word with FOLL_NOFAULT and set or clear the bit atomically. On failure, queue an async
 * fault-in if `fixup_fault`; -EFAULT either way.
 */
export function* user_event_enabler_write(
  k: Kernel,
  t: Task,
  um: UserEventMm,
  enabler: UserEventEnabler,
  fixup_fault: boolean,
  attempt: { n: number },
  self: FaultWork | null = null,
): KGen<0 | Errno> {
  const ue = user_events(k);
  BUG_ON(ue.event_mutex.owner !== t, `${t.name}: user_event_enabler_write without event_mutex`);
  BUG_ON(!um.mm.mmap_lock.heldBy(t), `${t.name}: user_event_enabler_write without mmap_lock`);
  attempt.n++;
  if (um.tasks === 0) return 'ENOENT';
  if (enabler.faulting || enabler.freeing) return 'EBUSY';
  const target = k.hooks.userEventsAlignAddrBit(k, enabler);
  const ps = k.pageSize;
  const vpn = Math.floor(target.uaddr / ps);
  const sync = k.hooks.userEventsSyncFault(k);
  const flags = FOLL_PIN | FOLL_WRITE | FOLL_REMOTE | (sync ? 0 : FOLL_NOFAULT);
  const pages: Page[] = [];
  k.stats.gupCalls++;
  const faults0 = k.stats.faults;
  // pin_user_pages_remote(mm, uaddr, 1, FOLL_WRITE | FOLL_NOFAULT, &page, NULL)
  const err = yield* __get_user_pages(k, t, um.mm, vpn, 1, flags, pages, null);
  // FOLL_NOFAULT never faults; a synchronous pin faults here, under event_mutex.
  k.stats.enablerFaults += k.stats.faults - faults0;
  if (err !== null || pages.length === 0) {
    for (const p of pages) gup_put_page(k, p, flags);
    k.tracing && k.log(t, 'user_event_enabler_write', `${um.mm.name} ${userAddr(k, um.mm, enabler.addr)}: pin failed (${err ?? 'no page'})`);
    if (!fixup_fault || sync) return 'EFAULT';
    user_event_enabler_queue_fault(k, t, um, enabler, attempt.n, self);
    return 'EFAULT';
  }
  const page = pages[0]!;
  const set = enabler.event !== null && enabler.event.status;
  const b = bitop_byte(k, target);
  const off = b.addr - vpn * ps;
  // The RFC ABI's set_bit() on a long at a 4-byte-aligned address can run off the pinned page.
  BUG_ON(off < 0 || off >= ps, `${set ? 'set_bit' : 'clear_bit'}(${target.bit}) at 0x${target.uaddr.toString(16)} runs past the pinned ${page}`);
  yield page.obj * 4 + WRITE;
  const cur = page.data.at(off);
  page.data.setByte(off, set ? cur | b.mask : cur & ~b.mask);
  k.tracing && k.log(t, 'user_event_enabler_write', `${set ? 'set_bit' : 'clear_bit'}(${target.bit}, ${userAddr(k, um.mm, target.uaddr)}) in ${page} at +${hex(off)}: 0x${cur.toString(16)} -> 0x${page.data.at(off).toString(16)}`);
  // unpin_user_pages_dirty_lock(&page, 1, true)
  page.dirty = true;
  gup_put_page(k, page, flags);
  return 0;
}

function user_event_enabler_exists(um: UserEventMm, addr: number, bit: number): boolean {
  for (const e of um.enablers) if (e.addr === addr && e.bit === bit) return true;
  return false;
}

export type RegResult = { enabler: UserEventEnabler; event: UserEvent } | { err: Errno };

/**
 * user_events_ioctl_reg() (DIAG_IOCSREG): validate, refuse the same address and bit twice in one
 * mm, create the enabler and reflect the event's current state into the process at once, faulting
 * the page in synchronously if needed; if that fails the ioctl fails.
 */
export function* user_events_ioctl_reg(k: Kernel, t: Task, mm: MmStruct, name: string, reg: UserReg): KGen<RegResult> {
  k.stats.syscalls++;
  const spec = k.hooks.userEventsRegGet(k, reg);
  if (typeof spec === 'string') return { err: spec };
  const ue = user_events(k);
  const existing = ue.byMm.get(mm);
  if (existing !== undefined && user_event_enabler_exists(existing, spec.addr, spec.bit)) return { err: 'EADDRINUSE' };
  const event = find_user_event(k, name);
  // user_event_enabler_create()
  const um = current_user_event_mm(k, mm);
  const enabler = new UserEventEnabler(event, spec.addr, spec.bit, spec.compat32);
  const attempt = { n: 0 };
  let result: 0 | Errno;
  for (;;) {
    yield* ue.event_mutex.lock(t);
    yield* mm.mmap_lock.down_read(t);
    result = yield* user_event_enabler_write(k, t, um, enabler, false, attempt);
    mm.mmap_lock.up_read(t);
    if (result === 0) {
      event.refcnt++;
      um.enablers.push(enabler);
    }
    ue.event_mutex.unlock(t);
    if (result === 0) break;
    if ((yield* user_event_mm_fault_in(k, t, um, spec.addr, attempt.n)) !== 0) break;
  }
  user_event_mm_put(k, um);
  if (result !== 0) return { err: result };
  k.tracing && k.log(t, 'user_events_ioctl_reg', `${name}: enabler ${userAddr(k, mm, spec.addr)} bit ${spec.bit}${spec.compat32 ? ' (32 on 64)' : ''}`);
  return { enabler, event };
}

/** user_event_mm_clear_bit(): clear the bit whatever the event's state, faulting in if needed. */
function* user_event_mm_clear_bit(k: Kernel, t: Task, um: UserEventMm, addr: number, bit: number, compat32: boolean): KGen<0 | Errno> {
  const ue = user_events(k);
  const enabler = new UserEventEnabler(null, addr, bit, compat32);
  const attempt = { n: 0 };
  for (;;) {
    yield* ue.event_mutex.lock(t);
    yield* um.mm.mmap_lock.down_read(t);
    const r = yield* user_event_enabler_write(k, t, um, enabler, false, attempt);
    um.mm.mmap_lock.up_read(t);
    ue.event_mutex.unlock(t);
    if (r === 0) return 0;
    if ((yield* user_event_mm_fault_in(k, t, um, addr, attempt.n)) !== 0) return r;
  }
}

/**
 * user_events_ioctl_unreg() (DIAG_IOCSUNREG): remove the enablers at (addr, bit), deferring to the
 * fault worker one that is faulting (FREEING), then make sure the bit is cleared.
 */
export function* user_events_ioctl_unreg(k: Kernel, t: Task, mm: MmStruct, addr: number, bit: number): KGen<0 | Errno> {
  k.stats.syscalls++;
  const ue = user_events(k);
  const um = ue.byMm.get(mm);
  if (um === undefined) return 'ENOENT';
  let ret: 0 | Errno = 'ENOENT';
  let compat32 = false;
  yield* ue.event_mutex.lock(t);
  for (const e of um.enablers.slice()) {
    if (e.addr !== addr || e.bit !== bit) continue;
    e.freeing = true;
    compat32 ||= e.compat32;
    if (!e.faulting) user_event_enabler_destroy(k, um, e);
    ret = 0;
  }
  ue.event_mutex.unlock(t);
  if (ret === 0) ret = yield* user_event_mm_clear_bit(k, t, um, addr, bit, compat32);
  return ret;
}

/** user_event_enabler_update(): write the event's state into every mm that has an enabler for it. */
function* user_event_enabler_update(k: Kernel, t: Task, event: UserEvent): KGen {
  const ue = user_events(k);
  // user_event_mm_get_all(): a one-shot list, each mm referenced.
  const found: UserEventMm[] = [];
  k.sched.touch(USER_EVENT_MMS * 4 + READ);
  for (const um of ue.mms) {
    if (um.enablers.some((e) => e.event === event)) {
      um.refcnt++;
      found.push(um);
    }
  }
  for (const um of found) {
    yield* um.mm.mmap_lock.down_read(t);
    for (const e of um.enablers.slice()) {
      if (e.event !== event) continue;
      yield* user_event_enabler_write(k, t, um, e, true, { n: 0 });
    }
    um.mm.mmap_lock.up_read(t);
    user_event_mm_put(k, um);
  }
}

/**
 * A tracer enables or disables the event: event_enable_write() takes event_mutex, and
 * ftrace_event_enable_disable() calls user_event_reg(TRACE_REG_REGISTER / UNREGISTER), whose
 * update_enable_bit_for() writes every enabler. Setting the state it already has does nothing.
 * The wait for event_mutex is the tracer stall the cost `tracerWaitSteps` sums, in ticks: it grows
 * with whatever the holder does under the mutex (a synchronous fault's swap read, `timing.io`).
 */
export function* event_enable_write(k: Kernel, t: Task, name: string, enabled: boolean): KGen {
  k.stats.syscalls++;
  const ue = user_events(k);
  const event = find_user_event(k, name);
  const w0 = t.waitTicks;
  yield ue.event_mutex.id * 4 + LOCK;
  if (!ue.event_mutex.trylock(t)) yield* ue.event_mutex.lock(t);
  k.stats.tracerWaitSteps += t.waitTicks - w0;
  if (event.status !== enabled) {
    event.status = enabled;
    k.tracing && k.log(t, 'user_event_reg', `${name}: ${enabled ? 'TRACE_REG_REGISTER' : 'TRACE_REG_UNREGISTER'}`);
    yield* user_event_enabler_update(k, t, event);
  }
  ue.event_mutex.unlock(t);
}

/**
 * user_events_fork(): a CLONE_VM child shares the parent's user_event_mm (more tasks on it); a
 * fork child gets a copy of every enabler not being freed (user_event_mm_dup), its bit and
 * 32-on-64 flag only.
 */
export function user_events_fork(k: Kernel, oldmm: MmStruct, newmm: MmStruct, cloneVm = false): void {
  // Read even before anything used user_events: a first registration racing with this fork must
  // stay ordered with it.
  k.sched.touch(userEventMmObject(oldmm) * 4 + READ);
  const ue = user_events_state(k);
  const old = ue?.byMm.get(oldmm);
  if (ue === null || old === undefined) return;
  if (cloneVm) {
    old.tasks++;
    return;
  }
  const um = new UserEventMm(newmm, k.sched);
  for (const e of old.enablers) {
    if (e.freeing) continue;
    const d = new UserEventEnabler(e.event, e.addr, e.bit, e.compat32);
    if (d.event) d.event.refcnt++;
    um.enablers.push(d);
  }
  ue.byMm.set(newmm, um);
  k.sched.touch(USER_EVENT_MMS * 4 + WRITE);
  ue.mms.push(um);
}

/**
 * user_events_exit() / user_events_execve() -> user_event_mm_remove(): the last task drops the
 * mm from the list, waits for in-flight writes (mmap_write_lock), and puts it; a fault still
 * queued sees no tasks and does nothing.
 */
export function* user_event_mm_remove(k: Kernel, t: Task, mm: MmStruct): KGen {
  k.sched.touch(userEventMmObject(mm) * 4 + READ);
  const ue = user_events_state(k);
  const um = ue?.byMm.get(mm);
  if (ue === null || um === undefined) return;
  if (--um.tasks > 0) return;
  ue.byMm.delete(mm);
  k.sched.touch(USER_EVENT_MMS * 4 + WRITE);
  ue.mms.splice(ue.mms.indexOf(um), 1);
  yield* mm.mmap_lock.down_write(t);
  mm.mmap_lock.up_write(t);
  user_event_mm_put(k, um);
}
