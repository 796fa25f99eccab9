/**
 * handle_userfault() and the retry loops around it, path by path: a genuine wakeup, a spurious one
 * (under each retry protocol), a released context, a fault without FAULT_FLAG_ALLOW_RETRY (GUP with
 * no `locked`), FAULT_FLAG_RETRY_NOWAIT, and a fatal signal. Each test runs real threads on the
 * default schedule (keep running the current task, else the lowest id), so the order is the
 * spawn order unless a thread blocks.
 */
import { describe, expect, it } from 'vitest';
import { user_access } from '../../../src/core/arch/uaccess.js';
import type { Kernel } from '../../../src/core/Kernel.js';
import {
  FAULT_FLAG_ALLOW_RETRY,
  FAULT_FLAG_RETRY_NOWAIT,
  FAULT_FLAG_TRIED,
  FAULT_FLAG_TRIED2,
  FAULT_FLAG_USER,
  FOLL_GET,
  FOLL_WRITE,
  VM_FAULT_NOPAGE,
  VM_FAULT_RETRY,
  VM_FAULT_SIGBUS,
  VM_FAULT_USERFAULT,
} from '../../../src/core/mm/flags.js';
import { get_user_pages } from '../../../src/core/mm/gup.js';
import { handle_mm_fault } from '../../../src/core/mm/memory.js';
import type { MmStruct } from '../../../src/core/mm/MmStruct.js';
import type { Runs } from '../../../src/core/mm/PageData.js';
import { PTE_PRESENT } from '../../../src/core/mm/Pte.js';
import type { Vma } from '../../../src/core/mm/Vma.js';
import { BLOCKED, type KGen, type Task } from '../../../src/core/sched/Task.js';
import { mcopy_atomic } from '../../../src/core/uffd/mcopy.js';
import {
  VM_UFFD_MISSING,
  userfaultfd_new,
  userfaultfd_read,
  userfaultfd_release,
  type UserfaultfdCtx,
} from '../../../src/core/uffd/userfaultfd.js';
import { gupLocked } from '../../../strategies/gup-unlock/gup-locked.js';
import { gupSigbus } from '../../../strategies/gup-unlock/gup-sigbus.js';
import { retryUnlimited } from '../../../strategies/uffd-retry/retry-unlimited.js';
import { spinlockRecheck } from '../../../strategies/uffd-retry/spinlock-recheck.js';
import { triedTwice } from '../../../strategies/uffd-retry/tried-twice.js';
import { vmFaultUserfault } from '../../../strategies/uffd-retry/vm-fault-userfault.js';
import { baselineHooks } from '../../../src/core/hooks.js';
import type { Strategy } from '../../../src/core/Strategy.js';
import { PS, kernelWith, newProcess } from '../helpers.js';

interface Setup {
  k: Kernel;
  mm: MmStruct;
  vma: Vma;
  ctx: UserfaultfdCtx;
}

/** A process whose one page is registered for missing faults. */
function setup(...strategies: Strategy[]): Setup {
  const k = kernelWith(...strategies);
  const { mm, vma } = newProcess(k);
  const ctx = userfaultfd_new(k, mm, 0, 'P.u');
  vma.uffdCtx = ctx;
  vma.uffdFlags = VM_UFFD_MISSING;
  return { k, mm, vma, ctx };
}

/** A monitor resolving `n` messages with UFFDIO_COPY of `fill`. */
function monitor(s: Setup, n: number, fill = 0x5a) {
  return function* (t: Task): KGen {
    for (let i = 0; i < n; i++) {
      const msg = yield* userfaultfd_read(s.k, t, [s.ctx], () => false, null);
      if (msg === null || msg.event !== 'pagefault') return;
      yield* mcopy_atomic(s.k, t, s.ctx, msg.vpn, msg.vpn + 1, fill);
    }
  };
}

/** The faulter: a CPU load of the registered page; records what it ended in and what it read. */
function faulter(s: Setup, out: { err?: string | null; data: Runs }) {
  return function* (t: Task): KGen {
    out.err = yield* user_access(s.k, t, s.mm, s.vma.start * PS, 16, null, out.data);
  };
}

/** A thread that wakes `victim` spuriously if it is asleep when this thread runs. */
function waker(victim: () => Task) {
  return function* (): KGen {
    if (victim().state === BLOCKED) victim().wakeSpuriously();
    yield* [];
  };
}

describe('handle_userfault: a genuine wakeup', () => {
  it('sleeps once with mmap_lock dropped, returns VM_FAULT_RETRY, and the retry maps the copied page', () => {
    const s = setup();
    const out = { data: [] as Runs } as { err?: string | null; data: Runs };
    let heldWhileAsleep: boolean | null = null;
    const f = s.k.sched.spawn('P.faulter', null, false, faulter(s, out));
    s.k.sched.spawn('P.monitor', null, false, function* (t) {
      // The faulter is asleep in handle_userfault by now: it must not hold mmap_lock.
      heldWhileAsleep = s.mm.mmap_lock.heldBy(f);
      yield* monitor(s, 1)(t);
    });
    expect(s.k.sched.run()).toEqual({ kind: 'done' });
    expect(heldWhileAsleep).toBe(false);
    expect(out.err).toBeNull();
    expect(out.data).toEqual([0, 16, 0x5a]);
    expect(s.k.stats.faultRetries).toBe(1);
    expect(s.k.stats.uffdMessages).toBe(1);
  });
});

describe('handle_userfault: a spurious wakeup before UFFDIO_COPY', () => {
  const run = (...strategies: Strategy[]) => {
    const s = setup(...strategies);
    const out = { data: [] as Runs } as { err?: string | null; data: Runs };
    const f = s.k.sched.spawn('P.faulter', null, false, faulter(s, out));
    s.k.sched.spawn('P.waker', null, false, waker(() => f));
    s.k.sched.spawn('P.monitor', null, false, monitor(s, 2));
    const end = s.k.sched.run();
    return { s, out, end };
  };

  it('tried-once: the retry has FAULT_FLAG_TRIED and no ALLOW_RETRY, so the second userfault is SIGBUS', () => {
    const { out } = run();
    expect(out.err).toBe('SIGBUS');
  });

  it('spinlock-recheck: the task sees uwq.waken unset and sleeps again until the copy', () => {
    const { out, s } = run(spinlockRecheck);
    expect(out.err).toBeNull();
    expect(out.data).toEqual([0, 16, 0x5a]);
    expect(s.k.stats.faultRetries).toBe(1);
    expect(s.k.stats.uffdMessages).toBe(1);
  });

  it('retry-unlimited: the retry keeps ALLOW_RETRY, blocks in handle_userfault again, and a second message is queued', () => {
    const { out, s } = run(retryUnlimited);
    expect(out.err).toBeNull();
    expect(out.data).toEqual([0, 16, 0x5a]);
    expect(s.k.stats.uffdMessages).toBe(2);
  });

  it('vm-fault-userfault: VM_FAULT_USERFAULT is retried without counting as a try', () => {
    const { out } = run(vmFaultUserfault);
    expect(out.err).toBeNull();
  });

  it('tried-twice survives one spurious wakeup but not two', () => {
    expect(run(triedTwice).out.err).toBeNull();
    const s = setup(triedTwice);
    const out = { data: [] as Runs } as { err?: string | null; data: Runs };
    const f = s.k.sched.spawn('P.faulter', null, false, faulter(s, out));
    // Two wakers: the second runs once the retry has gone back to sleep.
    s.k.sched.spawn('P.waker1', null, false, waker(() => f));
    s.k.sched.spawn('P.waker2', null, false, waker(() => f));
    s.k.sched.spawn('P.monitor', null, false, monitor(s, 3));
    s.k.sched.run();
    expect(out.err).toBe('SIGBUS');
  });
});

describe('handle_userfault: a released context', () => {
  it('wakes the blocked fault, which retries on the now unregistered VMA and maps the zero page', () => {
    const s = setup();
    const out = { data: [] as Runs } as { err?: string | null; data: Runs };
    s.k.sched.spawn('P.faulter', null, false, faulter(s, out));
    s.k.sched.spawn('P.close', null, false, function* (t) {
      yield* userfaultfd_release(s.k, t, s.ctx);
    });
    expect(s.k.sched.run()).toEqual({ kind: 'done' });
    expect(out.err).toBeNull();
    expect(out.data).toEqual([0, 16, 0]);
    expect(s.vma.uffdCtx).toBeNull();
  });

  it('a fault arriving after release gets VM_FAULT_NOPAGE, not SIGBUS', () => {
    const s = setup();
    s.ctx.released = true;
    let ret = -1;
    s.k.sched.spawn('P.t', null, false, function* (t) {
      yield* s.mm.mmap_lock.down_read(t);
      ret = yield* handle_mm_fault(s.k, t, s.vma, s.vma.start, FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_USER);
      s.mm.mmap_lock.up_read(t);
    });
    expect(s.k.sched.run()).toEqual({ kind: 'done' });
    expect(ret).toBe(VM_FAULT_NOPAGE);
  });
});

describe('handle_userfault without FAULT_FLAG_ALLOW_RETRY (GUP with no `locked`)', () => {
  it('gup-sigbus: VM_FAULT_SIGBUS at once, no message queued', () => {
    const s = setup(gupSigbus);
    let ret = -1;
    s.k.sched.spawn('P.t', null, false, function* (t) {
      yield* s.mm.mmap_lock.down_read(t);
      ret = yield* handle_mm_fault(s.k, t, s.vma, s.vma.start, 0);
      s.mm.mmap_lock.up_read(t);
    });
    expect(s.k.sched.run()).toEqual({ kind: 'done' });
    expect(ret).toBe(VM_FAULT_SIGBUS);
    expect(s.k.stats.uffdMessages).toBe(0);
  });

  it('gup-hold: blocks with mmap_lock held until the copy, then VM_FAULT_NOPAGE', () => {
    const s = setup();
    let ret = -1;
    let held: boolean | null = null;
    const g = s.k.sched.spawn('P.gup', null, false, function* (t) {
      yield* s.mm.mmap_lock.down_read(t);
      ret = yield* handle_mm_fault(s.k, t, s.vma, s.vma.start, 0);
      s.mm.mmap_lock.up_read(t);
    });
    s.k.sched.spawn('P.monitor', null, false, function* (t) {
      held = s.mm.mmap_lock.heldBy(g);
      yield* monitor(s, 1)(t);
    });
    expect(s.k.sched.run()).toEqual({ kind: 'done' });
    expect(held).toBe(true);
    expect(ret).toBe(VM_FAULT_NOPAGE);
  });

  it('a retry (FAULT_FLAG_TRIED) without ALLOW_RETRY is SIGBUS even under gup-hold', () => {
    const s = setup();
    let ret = -1;
    s.k.sched.spawn('P.t', null, false, function* (t) {
      yield* s.mm.mmap_lock.down_read(t);
      ret = yield* handle_mm_fault(s.k, t, s.vma, s.vma.start, FAULT_FLAG_TRIED);
      s.mm.mmap_lock.up_read(t);
    });
    s.k.sched.run();
    expect(ret).toBe(VM_FAULT_SIGBUS);
  });
});

describe('handle_userfault on a retry that used up ALLOW_RETRY (FAULT_FLAG_TRIED, after a swap-in VM_FAULT_RETRY)', () => {
  const run = (messages: number, ...strategies: Strategy[]) => {
    const s = setup(...strategies);
    let ret = -1;
    let held: boolean | null = null;
    const g = s.k.sched.spawn('P.t', null, false, function* (t) {
      yield* s.mm.mmap_lock.down_read(t);
      ret = yield* handle_mm_fault(s.k, t, s.vma, s.vma.start, FAULT_FLAG_TRIED | FAULT_FLAG_USER);
      if (s.mm.mmap_lock.heldBy(t)) s.mm.mmap_lock.up_read(t);
    });
    s.k.sched.spawn('P.monitor', null, false, function* (t) {
      held = s.mm.mmap_lock.heldBy(g);
      yield* monitor(s, messages)(t);
    });
    expect(s.k.sched.run()).toEqual({ kind: 'done' });
    return { ret, held, s };
  };

  it('tried-once (4.3): VM_FAULT_SIGBUS, no message', () => {
    const { ret, s } = run(0);
    expect(ret).toBe(VM_FAULT_SIGBUS);
    expect(s.k.stats.uffdMessages).toBe(0);
  });

  it('vm-fault-userfault: blocks anyway with mmap_lock dropped and returns VM_FAULT_USERFAULT ("even if FAULT_FLAG_TRIED is set")', () => {
    const { ret, held, s } = run(1, vmFaultUserfault);
    expect(ret).toBe(VM_FAULT_USERFAULT);
    expect(held).toBe(false);
    expect(s.k.stats.uffdMessages).toBe(1);
  });

  it('vm-fault-userfault: after VM_FAULT_USERFAULT the flags stay TRIED without ALLOW_RETRY (not a try, not a new one either)', () => {
    const k = kernelWith(vmFaultUserfault);
    expect(k.hooks.faultRetryFlags(k, FAULT_FLAG_TRIED, VM_FAULT_USERFAULT)).toBe(FAULT_FLAG_TRIED);
  });
});

describe('handle_userfault with FAULT_FLAG_RETRY_NOWAIT (FOLL_NOWAIT, KVM async page faults)', () => {
  it('returns VM_FAULT_RETRY without sleeping, queueing, or dropping mmap_lock', () => {
    const s = setup();
    let ret = -1;
    let held: boolean | null = null;
    s.k.sched.spawn('P.t', null, false, function* (t) {
      yield* s.mm.mmap_lock.down_read(t);
      ret = yield* handle_mm_fault(s.k, t, s.vma, s.vma.start, FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT);
      held = s.mm.mmap_lock.heldBy(t);
      s.mm.mmap_lock.up_read(t);
    });
    expect(s.k.sched.run()).toEqual({ kind: 'done' });
    expect(ret).toBe(VM_FAULT_RETRY);
    expect(held).toBe(true);
    expect(s.k.stats.uffdMessages).toBe(0);
  });
});

describe('a fatal signal ends both retry loops', () => {
  it('do_user_addr_fault returns SIGKILL when a blocked userfault is killed, under every retry protocol', () => {
    for (const strat of [[], [retryUnlimited], [spinlockRecheck]] as Strategy[][]) {
      const s = setup(...strat);
      const out = { data: [] as Runs } as { err?: string | null; data: Runs };
      const f = s.k.sched.spawn('P.faulter', null, false, faulter(s, out));
      s.k.sched.spawn('K.killer', null, false, function* () {
        f.fatal = true;
        if (f.killable) f.wake();
        yield* [];
      });
      expect(s.k.sched.run()).toEqual({ kind: 'done' });
      expect(out.err).toBe('SIGKILL');
    }
  });

  it('__get_user_pages_locked stops with EINTR when killed while its userfault sleeps', () => {
    const s = setup(gupLocked, retryUnlimited);
    let err: string | null = null;
    const g = s.k.sched.spawn('P.gup', null, false, function* (t) {
      err = (yield* get_user_pages(s.k, t, s.mm, s.vma.start, 1, FOLL_GET | FOLL_WRITE, true)).err;
    });
    s.k.sched.spawn('K.killer', null, false, function* () {
      g.fatal = true;
      if (g.killable) g.wake();
      yield* [];
    });
    expect(s.k.sched.run()).toEqual({ kind: 'done' });
    expect(err).toBe('EINTR');
  });
});

describe('the retry loops', () => {
  const A = FAULT_FLAG_ALLOW_RETRY;
  it('faultRetryFlags: 4.3 drops ALLOW_RETRY, 5.7 keeps it, TRIED2 allows one more, VM_FAULT_USERFAULT is not a try', () => {
    const k = kernelWith();
    expect(baselineHooks.faultRetryFlags(k, A, VM_FAULT_RETRY)).toBe(FAULT_FLAG_TRIED);
    expect(retryUnlimited.hooks.faultRetryFlags!(k, A | FAULT_FLAG_TRIED, VM_FAULT_RETRY)).toBe(A | FAULT_FLAG_TRIED);
    expect(triedTwice.hooks.faultRetryFlags!(k, A, VM_FAULT_RETRY)).toBe(A | FAULT_FLAG_TRIED);
    expect(triedTwice.hooks.faultRetryFlags!(k, A | FAULT_FLAG_TRIED, VM_FAULT_RETRY)).toBe(FAULT_FLAG_TRIED | FAULT_FLAG_TRIED2);
    expect(vmFaultUserfault.hooks.faultRetryFlags!(k, A, VM_FAULT_USERFAULT)).toBe(A);
    expect(vmFaultUserfault.hooks.faultRetryFlags!(k, A, VM_FAULT_RETRY)).toBe(FAULT_FLAG_TRIED);
  });

  it('GUP with `locked` (gup-locked) drops mmap_lock while the userfault sleeps and retries the page', () => {
    const s = setup(gupLocked);
    let res: { err: string | null; n: number } | null = null;
    let held: boolean | null = null;
    const g = s.k.sched.spawn('P.gup', null, false, function* (t) {
      const r = yield* get_user_pages(s.k, t, s.mm, s.vma.start, 1, FOLL_GET | FOLL_WRITE, s.k.hooks.gupPassesLocked(s.k, 'odirect'));
      res = { err: r.err, n: r.pages.length };
      for (const p of r.pages) s.k.put_page(p);
    });
    s.k.sched.spawn('P.monitor', null, false, function* (t) {
      held = s.mm.mmap_lock.heldBy(g);
      yield* monitor(s, 1)(t);
    });
    expect(s.k.sched.run()).toEqual({ kind: 'done' });
    expect(held).toBe(false);
    expect(res).toEqual({ err: null, n: 1 });
    expect(s.k.stats.faultRetries).toBe(1);
    expect(s.mm.pt.get(s.vma.start)!.kind).toBe(PTE_PRESENT);
  });

  it('GUP retries under 4.3 go without `locked`: a spurious wakeup makes get_user_pages -EFAULT; 5.7 loops instead', () => {
    const run = (...strategies: Strategy[]) => {
      const s = setup(gupLocked, ...strategies);
      let err: string | null | undefined;
      const g = s.k.sched.spawn('P.gup', null, false, function* (t) {
        const r = yield* get_user_pages(s.k, t, s.mm, s.vma.start, 1, FOLL_GET | FOLL_WRITE, true);
        err = r.err;
        for (const p of r.pages) s.k.put_page(p);
      });
      s.k.sched.spawn('P.waker', null, false, waker(() => g));
      s.k.sched.spawn('P.monitor', null, false, monitor(s, 3));
      s.k.sched.run();
      return err;
    };
    expect(run()).toBe('EFAULT');
    expect(run(retryUnlimited)).toBeNull();
  });
});
