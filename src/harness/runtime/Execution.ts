import { needsKillPoints } from './killPoints.js';
import { byteAt } from '../../core/trace.js';
import type { Chooser } from '../../core/sched/Chooser.js';
import type { UserEvents } from '../../core/trace/user_events.js';
import { note_uffd_wp_metadata } from '../../core/mm/uffdWpMetadata.js';
import { Kernel } from '../../core/Kernel.js';
import type { Kernel as StrategyKernel } from '../../core/Strategy.js';
import { pipe_release } from '../../core/io/pipe.js';
import { unpin_user_pages } from '../../core/io/pin.js';
import { exit_mmap, insert_vma } from '../../core/mm/mmap.js';
import { shownFile } from '../workload/shownFile.js';
import { shmem_evict_all, shmem_file } from '../../core/shmem/shmem.js';
import { dup_mmap } from '../../core/mm/fork.js';
import { PTE_PRESENT, PTE_SWAP } from '../../core/mm/Pte.js';
import type { Runs } from '../../core/mm/PageData.js';
import type { RunEnd } from '../../core/sched/Scheduler.js';
import type { KGen, Task } from '../../core/sched/Task.js';
import { WaitQueue } from '../../core/sched/WaitQueue.js';
import type { Stats } from '../../core/stats.js';
import { user_event_mm_remove, user_events_fork, user_events_state } from '../../core/trace/user_events.js';
import { OPS } from '../ops/index.js';
import type { InvariantId, Violation } from '../oracle/invariants.js';
import { ORACLE_EVENTS, Oracle, nameHash, type Channel, type EnableBit } from '../oracle/Oracle.js';
import { TouchedMap } from '../../core/sched/TouchedMap.js';
import { READ, WRITE } from '../../core/sched/Access.js';
import type { ProcessDecl, ThreadDecl, Workload } from '../workload/types.js';
import { Proc } from './Proc.js';
import { guardedHooks } from './guardHooks.js';
import { check_model } from '../../core/mm/debug_vm.js';
import { KernelBug } from '../../core/bug.js';
import { UffdState } from './UffdState.js';
import { SpuriousWakeups } from '../../core/sched/spurious.js';
import { userfaultfd_release } from '../../core/uffd/userfaultfd.js';
import { stableObject } from '../../core/sched/Footprint.js';
import { OutcomeLog, opSlots } from '../outcome/Outcome.js';


export interface ExecutionOptions {
  trace: boolean;
  maxSteps: number;
  /** CONFIG_DEBUG_VM: check the model's consistency after every step and across every strategy hook. */
  checkModel?: boolean;
}

export interface ExecutionResult {
  violations: Violation[];
  stats: Stats;
  end: RunEnd;
  /** The model or a strategy crashed (verdict `error`). */
  error: string | null;
}

const FATAL = new Set(['SIGSEGV', 'SIGBUS', 'SIGKILL', 'OOM']);
const SIGBUS_LIKE = new Set(['SIGSEGV', 'SIGBUS', 'EFAULT']);


/** Address of byte `off` of a named mapping. */
export interface Where {
  vma: string;
  off: number;
  len: number;
  addr: number;
}

/**
 * One execution of a workload on one kernel under one schedule: builds the initial processes, runs
 * their threads to the end, and judges what they observed against the oracle.
 */
export class Execution {
  readonly k: Kernel;
  readonly oracle = new Oracle();
  readonly procs: Map<string, Proc>;
  readonly events = new Map<string, { posted: boolean; wq: WaitQueue }>();
  readonly violations: Violation[] = [];
  readonly uffd: UffdState = new UffdState(this);
  /** What every op returned and read: the execution's user-visible outcome. */
  readonly outcome: OutcomeLog;
  /** The op each task is running, for the bytes its observation returns. */
  private readonly runningOp = new Map<Task, number>();
  /** The workload uses userfaultfd (its bookkeeping then takes part in partial-order reduction). */
  readonly usesUffd: boolean;
  private readonly decls = new Map<string, ProcessDecl>();
  /** The workload sends signals: a thread can be killed between any two of its ops. */
  private readonly signals: boolean;
  /** A thread's fault may be fatal to its thread group: siblings can be killed between their ops. */
  private readonly killPoints: boolean;

  constructor(
    readonly w: Workload,
    readonly kernel: StrategyKernel,
    chooser: Chooser,
    opts: ExecutionOptions,
  ) {
    this.outcome = new OutcomeLog(w);
    this.k = new Kernel({ pageSize: w.pageSize, limitPages: w.limitPages, maxSteps: opts.maxSteps, hooks: guardedHooks(kernel), arch: w.arch, swapDevice: w.swapDevice, timing: w.timing }, chooser);
    if (opts.trace) this.k.sched.trace = [];
    this.oracle.fp = this.k.sched.fp;
    this.procs = new TouchedMap(() => this.k.sched.fp, (name) => stableObject(5, 2, nameHash(name)));
    if (opts.checkModel) {
      const k = this.k;
      k.debugVm = true;
      k.sched.beforeStep = () => {
        // CONFIG_DEBUG_VM reads everything; it is not part of any step's footprint.
        const fp = k.sched.fp;
        if (fp !== null) fp.muted = true;
        const bad = check_model(k);
        if (fp !== null) fp.muted = false;
        if (bad !== null) throw new KernelBug(`CONFIG_DEBUG_VM: ${bad}`);
      };
    }
    // Spurious wakeups only matter to sleeps that do not recheck (handle_userfault): explored when
    // the workload asks for them, or when userfaultfd is in play (late rwsem wake_q wakeups).
    this.usesUffd = w.processes.some((p) => p.threads.some((th) => th.ops.some((o) => o.op.startsWith('uffd_'))));
    let spurious: SpuriousWakeups | null = null;
    if (w.explore.spurious_wakeups > 0 || this.usesUffd) {
      spurious = new SpuriousWakeups(this.k.sched, w.explore.spurious_wakeups);
      spurious.install();
    }
    const states = this.k.sched.states;
    if (states !== null) {
      // What the state hash cannot see in footprints: the arbitrary wakeups this execution has left,
      // and the invariants already violated on the way here (a verdict is about the whole path).
      states.baseline = this.k.sched.beforeStep;
      if (spurious !== null) states.extras.push(() => spurious.budget);
      states.extras.push(() => {
        let h = 0;
        for (const v of this.violations) h ^= nameHash(v.invariant) * 65599 + v.invariant.length;
        return h;
      });
    }
    for (const p of w.processes) this.decls.set(p.name, p);
    this.signals = w.processes.some((p) => p.threads.some((th) => th.ops.some((o) => o.op === 'signal')));
    this.killPoints = needsKillPoints(w);
    for (const p of w.processes) {
      if (p.forkedBy !== null) continue;
      const proc = new Proc(this.k.sched, p.name, this.k.newMm(p.name));
      this.procs.set(p.name, proc);
      for (const v of p.vmas) {
        const file = v.type === 'shmem' ? shmem_file(this.k, v.file ?? v.name) : undefined;
        const vma = insert_vma(proc.mm, { name: v.name, pages: v.pages, read: v.prot !== 'none', write: v.prot === 'rw', shared: v.type === 'shmem', ...(file ? { file } : {}) });
        proc.layout.set(v.name, { name: v.name, start: vma.start, pages: v.pages, type: v.type });
        if (file) this.oracle.mapShared(p.name, v.name, file.name, v.pages * w.pageSize);
        else this.oracle.map(p.name, v.name, v.pages * w.pageSize);
      }
    }
    for (const p of w.processes) if (p.forkedBy === null) this.startThreads(this.procs.get(p.name)!, p);
  }

  run(): ExecutionResult {
    const end = this.k.sched.run();
    let error: string | null = null;
    switch (end.kind) {
      case 'deadlock':
        this.violate('deadlock', `no thread can run; blocked: ${end.blocked.join(', ')}`);
        break;
      case 'livelock':
        this.violate('livelock', end.message ?? `step bound of ${end.steps} reached`);
        break;
      case 'bug':
        this.violate('kernel-bug', `${end.task}: ${end.message}`);
        break;
      case 'error':
        error = `${end.task}: ${end.message}`;
        break;
      case 'pruned':
        return { violations: [], stats: this.k.stats, end, error: null };
      case 'done':
        shmem_evict_all(this.k);
        this.checkTeardown();
        break;
    }
    this.checkUserEventsKills();
    const s = this.k.stats;
    for (const t of this.k.sched.tasks) if (t.clock > s.makespanTicks) s.makespanTicks = t.clock;
    const ue = this.k.ext.get('user_events') as UserEvents | undefined;
    if (ue !== undefined) s.eventMutexMaxHoldTicks = ue.event_mutex.maxHold;
    for (const mm of this.k.mms) {
      if (!mm.dead) note_uffd_wp_metadata(this.k, mm);
      if (mm.mmap_lock.maxHold > s.mmapLockMaxHoldSteps) s.mmapLockMaxHoldSteps = mm.mmap_lock.maxHold;
      if (mm.mmap_lock.maxWriterWait > s.mmapWriterWaitSteps) s.mmapWriterWaitSteps = mm.mmap_lock.maxWriterWait;
    }
    return { violations: this.violations, stats: s, end, error };
  }

  violate(invariant: InvariantId, message: string): void {
    if (this.violations.some((v) => v.invariant === invariant)) return;
    this.violations.push({ invariant, message, step: this.k.sched.steps });
    const t = this.k.sched.current;
    if (t && this.k.tracing) this.k.log(t, 'VIOLATION', `${invariant}: ${message}`);
  }

  /** Resolve `at`/`off`/`len` of an op in a process's address space. */
  where(proc: Proc, at: string, off: number, len: number | undefined): Where {
    const pl = proc.layout.get(at);
    if (pl === undefined) throw new Error(`${proc.name} has no mapping ${at}`);
    const size = pl.pages * this.w.pageSize;
    return { vma: at, off, len: len ?? size - off, addr: pl.start * this.w.pageSize + off };
  }

  /**
   * Judge an observation of user memory; records the violation if any. `since`: a device reading
   * through pages its I/O took then (judged against those pages where the process discarded them).
   */
  observe(proc: Proc, w: Where, data: Runs, t0: number, t1: number, channel: Channel, what: string, since?: number): void {
    if (channel !== 'final') {
      const i = this.runningOp.get(this.k.sched.current!);
      if (i !== undefined) this.outcome.bytes[i] = data;
    }
    const m = this.oracle.check(proc.name, w.vma, w.off, w.len, data, t0, t1, channel, what, since);
    if (m !== null) this.violate(m.invariant, m.message);
  }

  event(name: string): { posted: boolean; wq: WaitQueue } {
    let e = this.events.get(name);
    if (e === undefined) {
      e = { posted: false, wq: new WaitQueue(this.k.sched, `event ${name}`, stableObject(1, nameHash(name), 0)) };
      this.events.set(name, e);
    }
    return e;
  }

  /** fork(): dup_mmap, then the child's threads start. */
  *fork(t: Task, parent: Proc, child: string): KGen<string | null> {
    const t0 = this.oracle.forkStart(parent.name);
    this.k.stats.syscalls++;
    const r = yield* dup_mmap(this.k, t, parent.mm, child);
    if ('err' in r) return r.err;
    // copy_process(): user_events_fork() right after copy_mm(), before the child can run.
    user_events_fork(this.k, parent.mm, r.mm);
    const proc = new Proc(this.k.sched, child, r.mm);
    for (const [n, pl] of parent.layout) proc.layout.set(n, { ...pl });
    this.procs.set(child, proc);
    this.oracle.fork(parent.name, child, t0, this.oracle.forkEnd(parent.name));
    // copy_files(): the child has the parent's file descriptors. A userfaultfd is the parent's
    // context still (its ioctls act on the mm that opened it); a user_events data fd is shared too,
    // but DIAG_IOCSUNREG acts on current->user_event_mm, the child's copy of the enablers, and so on
    // the child's copy of the bit (abi_test.c "Ensure child doesn't disable parent", 17b439db21d5).
    const parentBits = this.oracle.enableBits(parent.name);
    const childBits = this.oracle.enableBits(child);
    for (const [name, h] of parent.handles) {
      if (h.kind === 'uffd') proc.handles.set(name, h);
      else if (h.kind === 'user_event') {
        const i = parentBits.indexOf(h.bitRec);
        if (i >= 0) proc.handles.set(name, { ...h, bitRec: childBits[i]! });
      }
    }
    this.uffd.fork(parent.mm, r.mm, r.mm.vmas.some((v) => v.uffdCtx !== null));
    this.k.tracing && this.k.log(t, 'fork', `${parent.name} -> ${child}`);
    const decl = this.decls.get(child);
    if (decl) this.startThreads(proc, decl);
    return null;
  }

  private startThreads(proc: Proc, decl: ProcessDecl): void {
    // A process with no threads of its own (a child that only holds its copy of the parent's
    // memory) exits at once, as a real child that returns from main does: its mm is torn down.
    const threads = decl.threads.length > 0 ? decl.threads : [{ name: 'main', ops: [] }];
    // A thread with siblings can be killed between any two of its ops when a sibling's fault can
    // be fatal (needsKillPoints): the whole thread group goes down, wherever the others are.
    const boundary = this.signals || (threads.length > 1 && this.killPoints);
    for (const th of threads) {
      proc.live++;
      const task = this.k.sched.spawn(`${proc.name}.${th.name}`, proc, false, (t) => this.userThread(proc, t, th, boundary));
      proc.tasks.push(task);
    }
  }

  private *userThread(proc: Proc, t: Task, th: ThreadDecl, boundary: boolean): KGen {
    const k = this.k;
    const slots = opSlots(this.w);
    for (const node of th.ops) {
      // Between two ops a thread is in user space, where a SIGKILL takes it at any instant: the
      // real kernel (faultline real) kills a thread after its post and before its next op starts.
      if (boundary) yield t.signalObj * 4 + READ;
      if (t.fatal) break;
      const def = OPS.get(node.op)!;
      k.tracing && k.log(t, node.op, node.label);
      const slot = slots.get(node)!.index;
      this.runningOp.set(t, slot);
      const res = yield* def.run({ k, t, proc, ex: this, node }, node.args);
      this.runningOp.delete(t);
      this.outcome.results[slot] = res === null || res === 'EXIT' ? 'ok' : res;
      if (res === 'EXIT') break;
      if (res === null) continue;
      k.tracing && k.log(t, node.op, `-> ${res}`);
      const killed = res === 'SIGKILL' && t.fatal;
      if (!killed && !node.allow.includes(res)) {
        if (SIGBUS_LIKE.has(res)) this.violate('spurious-sigbus', `${t.name}: ${node.op} (${shownFile(node.pos.file, this.w.id)}:${node.pos.line}) got ${res}`);
        else this.violate('unexpected-error', `${t.name}: ${node.op} (${shownFile(node.pos.file, this.w.id)}:${node.pos.line}) got ${res}`);
      }
      if (FATAL.has(res)) {
        for (const o of proc.tasks) if (o !== t) this.kill(o);
        break;
      }
    }
    yield* this.threadExit(proc, t);
  }

  /** Deliver SIGKILL: fatal_signal_pending() from now on, and killable sleeps end. */
  kill(t: Task): void {
    t.fatal = true;
    if (t.killable) t.wake();
  }

  /** The last thread out tears the process down: wait for its I/O (exit_aio), then exit_mmap. */
  private *threadExit(proc: Proc, t: Task): KGen {
    if (--proc.live > 0) return;
    for (const h of proc.handles.values()) if (h.kind === 'dio' && h.req !== null) yield* h.req.done.wait(t);
    // Closing a userfaultfd releases it: blocked userfaults wake and retry without it.
    // The last process holding the file releases it (a fork child shares its parent's).
    for (const h of proc.handles.values()) {
      if (h.kind !== 'uffd') continue;
      const shared = [...this.procs.values()].some((o) => o !== proc && !o.exited && [...o.handles.values()].includes(h));
      if (!shared) for (const c of [h.ctx, ...h.children]) yield* userfaultfd_release(this.k, t, c);
    }
    this.checkFinalMemory(proc);
    this.checkEnableBits(proc);
    // do_exit(): user_events_exit() before exit_mm(), waiting out in-flight enable writes.
    yield* user_event_mm_remove(this.k, t, proc.mm);
    for (const h of proc.handles.values()) {
      if (h.kind === 'pipe') pipe_release(this.k, h.buf);
      else if (h.kind === 'pin') unpin_user_pages(this.k, h.pin);
    }
    yield* exit_mmap(this.k, t, proc.mm);
    proc.exited = true;
    proc.exitWq.wakeAll();
  }

  /** At exit, every byte of every mapping must be something the process was entitled to see. */
  private checkFinalMemory(proc: Proc): void {
    for (const pl of proc.layout.values()) {
      if (pl.type !== 'anon') continue;
      const t = this.oracle.instantObservation(proc.name, pl.name, 0, pl.pages * this.w.pageSize);
      const size = pl.pages * this.w.pageSize;
      const data = this.peek(proc, pl.start, pl.pages);
      this.observe(proc, { vma: pl.name, off: 0, len: size, addr: pl.start * this.w.pageSize }, data, t, t, 'final', `${proc.name}'s memory at exit`);
    }
  }

  /**
   * stale-enable-bit: at a quiescent teardown (no tracer between user_events_set's start and end,
   * nobody holding event_mutex, no fault-in queued for this mm), every registered enable bit in
   * mapped writable memory must say what the event's state is.
   */
  private checkEnableBits(proc: Proc): void {
    const bits = this.oracle.enableBits(proc.name);
    if (bits.length === 0) return;
    // What this judgement reads, for partial-order reduction: the tracers' sets in flight, the
    // mutex that orders enabler state (FAULTING) and the VMA protections mprotect changes.
    const sched = this.k.sched;
    sched.touch(ORACLE_EVENTS * 4 + READ);
    sched.touch(proc.mm.mmap_lock.id * 4 + READ);
    if (this.oracle.eventSetsInFlight > 0) return;
    const ue = user_events_state(this.k);
    if (ue !== null) sched.touch(ue.event_mutex.id * 4 + READ);
    if (ue !== null) {
      if (ue.event_mutex.owner !== null) return;
      if (ue.byMm.get(proc.mm)?.enablers.some((e) => e.faulting)) return;
    }
    for (const e of bits) {
      if (!e.live) continue;
      const set = this.enableBitValue(proc, e);
      if (set === null) continue;
      const want = this.oracle.eventEnabled(e.event);
      if (set !== want) {
        this.violate('stale-enable-bit', `${proc.name} exits with the enable bit of ${e.event} at ${byteAt(e.vma, e.byte)} (mask 0x${e.mask.toString(16)}) ${set ? 'set' : 'clear'} while the event is ${want ? 'enabled' : 'disabled'}`);
      }
    }
  }

  /** The enable bit as the process's memory holds it now; null unless mapped writable. */
  enableBitValue(proc: Proc, e: EnableBit): boolean | null {
    const ps = this.w.pageSize;
    const pl = proc.layout.get(e.vma);
    if (pl === undefined) return null;
    const vpn = pl.start + Math.floor(e.byte / ps);
    const vma = proc.mm.find_vma(vpn);
    if (vma === null || !vma.write) return null;
    const runs = this.peek(proc, vpn, 1);
    const at = e.byte % ps;
    let v = 0;
    for (let i = 0; i < runs.length; i += 3) if (runs[i]! <= at && at < runs[i + 1]!) v = runs[i + 2]!;
    return (v & e.mask) !== 0;
  }

  /** A SIGKILL from user_events' fault handling is an error unless the process's ops allow SIGKILL. */
  private checkUserEventsKills(): void {
    const ue = user_events_state(this.k);
    if (ue === null) return;
    for (const kill of ue.kills) {
      const proc = [...this.procs.values()].find((p) => p.mm === kill.mm);
      if (proc === undefined) continue;
      const decl = this.decls.get(proc.name);
      const allowed = decl?.threads.some((th) => th.ops.some((o) => o.allow.includes('SIGKILL'))) ?? false;
      if (!allowed) this.violate('unexpected-error', `${proc.name} killed with SIGKILL: ${kill.why}`);
    }
  }

  /** What the process's memory holds, read through its page tables without faulting. */
  peek(proc: Proc, start: number, pages: number): Runs {
    const ps = this.w.pageSize;
    const out: Runs = [];
    for (let i = 0; i < pages; i++) {
      const pte = proc.mm.pt.get(start + i);
      let d = null;
      if (pte !== undefined && pte.kind === PTE_PRESENT) d = pte.page!.data;
      else if (pte !== undefined && pte.kind === PTE_SWAP) {
        const s = this.k.swap.slot(pte.swp);
        // A swap-cache page whose read is still in flight holds nothing yet: a fault would wait
        // for the read (lock_page) and see the slot's data.
        const c = s.cache;
        d = c !== null && !s.reading ? c.data : s.data;
      }
      if (d) d.read(0, ps, out, i * ps);
      else out.push(i * ps, (i + 1) * ps, 0);
    }
    return out;
  }

  /** After everything ended: no page may be left allocated but those only the swap cache holds. */
  private checkTeardown(): void {
    for (const p of this.k.pages) {
      const reclaimable = p.swapcache && p.refcount === 1 && p.mapcount === 0 && this.k.swap.slot(p.swapEntry).count === 0;
      if (!reclaimable) {
        this.violate('kernel-bug', `${p} leaked at teardown (refcount ${p.refcount}, mapcount ${p.mapcount}${p.swapcache ? ', swapcache' : ''})`);
        return;
      }
    }
    for (const [e, s] of this.k.swap.slots) {
      if (s.count > 0) {
        this.violate('kernel-bug', `swap slot ${e} still referenced by ${s.count} pte(s) after every mm was torn down`);
        return;
      }
    }
  }
}
