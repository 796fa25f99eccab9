/**
 * user_events (kernel/trace/trace_events_user.c): the registration ABI checks, where the bit lands
 * on each architecture, and the enable write's fault handling as a state machine (FAULTING,
 * FREEING, the attempt cap, and what each strategy does when fixup_user_fault fails).
 */
import { describe, expect, it } from 'vitest';
import { Kernel, type Arch } from '../../../src/core/Kernel.js';
import { compose, type Strategy } from '../../../src/core/Strategy.js';
import { baselineHooks } from '../../../src/core/hooks.js';
import { do_munmap } from '../../../src/core/mm/mmap.js';
import { reclaim_range } from '../../../src/core/mm/madvise.js';
import { mprotect_fixup } from '../../../src/core/mm/mprotect.js';
import { PTE_PRESENT, PTE_SWAP } from '../../../src/core/mm/Pte.js';
import { defaultChoice } from '../../../src/core/sched/Chooser.js';
import type { KGen, Task } from '../../../src/core/sched/Task.js';
import {
  align_addr_bit,
  bitop_byte,
  event_enable_write,
  force_sig_mm,
  task_size,
  user_event_mm_fault_in,
  user_events,
  user_events_ioctl_reg,
  user_events_ioctl_unreg,
  user_reg_get,
  type UserReg,
} from '../../../src/core/trace/user_events.js';
import { abiBit31 } from '../../../strategies/user-events/abi-bit31.js';
import { asyncGiveup } from '../../../strategies/user-events/async-giveup.js';
import { asyncRetryForever } from '../../../strategies/user-events/async-retry-forever.js';
import { killOnFault } from '../../../strategies/user-events/kill-on-fault.js';
import { syncFault } from '../../../strategies/user-events/sync-fault.js';
import { anonVma, PS } from '../helpers.js';

const LE64: Arch = { bits: 64, endian: 'little' };
const BE64: Arch = { bits: 64, endian: 'big' };
const LE32: Arch = { bits: 32, endian: 'little' };
const BE32: Arch = { bits: 32, endian: 'big' };

function kernel(arch: Arch = LE64, strategies: Strategy[] = [], limitPages = 64): Kernel {
  const hooks = strategies.length ? compose(strategies.map((s) => s.name).join('+'), strategies).hooks : baselineHooks;
  return new Kernel({ pageSize: PS, limitPages, maxSteps: 5000, hooks, arch }, { choose: defaultChoice });
}

const reg = (addr: number, size: number, bit: number, flags = 0): UserReg => ({ addr, size, bit, flags });

describe('user_reg_get(): the merged ABI (abi-size-bit)', () => {
  const k = kernel(LE64);
  it('accepts 4- and 8-byte words, naturally aligned, with a bit inside the word', () => {
    expect(user_reg_get(k, reg(0x10000, 4, 31))).toEqual({ addr: 0x10000, bit: 31, compat32: true });
    expect(user_reg_get(k, reg(0x10008, 8, 63))).toEqual({ addr: 0x10008, bit: 63, compat32: false });
  });
  it('refuses other sizes, misaligned addresses, bits beyond the word and unknown flags with EINVAL', () => {
    expect(user_reg_get(k, reg(0x10000, 2, 0))).toBe('EINVAL');
    expect(user_reg_get(k, reg(0x10000, 16, 0))).toBe('EINVAL');
    expect(user_reg_get(k, reg(0x10002, 4, 0))).toBe('EINVAL');
    expect(user_reg_get(k, reg(0x10004, 8, 0))).toBe('EINVAL');
    expect(user_reg_get(k, reg(0x10000, 4, 32))).toBe('EINVAL');
    expect(user_reg_get(k, reg(0x10000, 8, 64))).toBe('EINVAL');
    expect(user_reg_get(k, reg(0x10000, 4, 0, 1))).toBe('EINVAL');
  });
  it('refuses an 8-byte word on a 32-bit kernel (BITS_PER_LONG < 64)', () => {
    expect(user_reg_get(kernel(LE32), reg(0x10000, 8, 0))).toBe('EINVAL');
    expect(user_reg_get(kernel(LE32), reg(0x10000, 4, 0))).toEqual({ addr: 0x10000, bit: 0, compat32: false });
  });
  it('refuses a word beyond TASK_SIZE with EFAULT (access_ok)', () => {
    expect(user_reg_get(k, reg(task_size(k), 4, 0))).toBe('EFAULT');
    expect(user_reg_get(k, reg(task_size(k) - 4, 4, 0))).not.toBe('EFAULT');
  });
});

describe('the bit lands on `value & (1 << bit)` of the user\'s integer', () => {
  /** The byte and mask of bit `bit` of a `size`-byte integer at `addr`, as the user sees it. */
  const userByte = (arch: Arch, addr: number, size: number, bit: number) => ({
    addr: addr + (arch.endian === 'little' ? bit >> 3 : size - 1 - (bit >> 3)),
    mask: 1 << (bit & 7),
  });
  for (const arch of [LE64, BE64, LE32, BE32]) {
    for (const size of arch.bits === 64 ? [4, 8] : [4]) {
      for (const addr of size === 4 ? [0x10000, 0x10004] : [0x10008]) {
        it(`abi-size-bit, ${arch.bits}-bit ${arch.endian}-endian, ${size}-byte word at 0x${addr.toString(16)}: every bit`, () => {
          const k = kernel(arch);
          for (let bit = 0; bit < size * 8; bit++) {
            const spec = user_reg_get(k, reg(addr, size, bit));
            if (typeof spec === 'string') throw new Error(spec);
            const target = align_addr_bit(k, spec);
            expect(target.uaddr % (arch.bits / 8)).toBe(0);
            expect(bitop_byte(k, target)).toEqual(userByte(arch, addr, size, bit));
          }
        });
      }
    }
  }

  it('abi-bit31 on 64-bit big-endian: set_bit() on the long misses a 4-byte word and the upper half of an 8-byte one', () => {
    const k = kernel(BE64, [abiBit31]);
    const w4 = k.hooks.userEventsRegGet(k, reg(0x10000, 4, 0));
    if (typeof w4 === 'string') throw new Error(w4);
    // bit 0 of the u32 at 0x10000 is byte 0x10003; the long's bit 0 is byte 0x10007 (the next word).
    expect(bitop_byte(k, k.hooks.userEventsAlignAddrBit(k, w4))).toEqual({ addr: 0x10007, mask: 1 });
    const w8 = k.hooks.userEventsRegGet(k, reg(0x10008, 8, 63));
    if (typeof w8 === 'string') throw new Error(w8);
    // Beau's recipe: the upper half (0x10008 on big-endian), bit 31; it lands on bit 31 of the u64.
    expect(w8).toEqual({ addr: 0x10008, bit: 31, compat32: false });
    expect(bitop_byte(k, k.hooks.userEventsAlignAddrBit(k, w8))).toEqual({ addr: 0x1000c, mask: 0x80 });
    expect(userByte(BE64, 0x10008, 8, 63)).toEqual({ addr: 0x10008, mask: 0x80 });
  });

  it('abi-bit31 on 64-bit little-endian gets both right (the RFC was tested there)', () => {
    const k = kernel(LE64, [abiBit31]);
    for (const [addr, size, bit] of [[0x10000, 4, 5], [0x10004, 4, 31], [0x10008, 8, 63], [0x10008, 8, 3]] as const) {
      const s = k.hooks.userEventsRegGet(k, reg(addr, size, bit));
      if (typeof s === 'string') throw new Error(s);
      expect(bitop_byte(k, k.hooks.userEventsAlignAddrBit(k, s))).toEqual(userByte(LE64, addr, size, bit));
    }
  });

  it('abi-bit31 refuses a bit beyond 31 of a 4-byte word and a 2-aligned address', () => {
    const k = kernel(LE64, [abiBit31]);
    expect(k.hooks.userEventsRegGet(k, reg(0x10000, 4, 32))).toBe('EINVAL');
    expect(k.hooks.userEventsRegGet(k, reg(0x10002, 4, 0))).toBe('EINVAL');
    expect(k.hooks.userEventsRegGet(k, reg(0x10000, 8, 64))).toBe('EINVAL');
  });
});

/** A process with one anonymous page and a user task whose owner carries its mm. */
function setup(k: Kernel) {
  const mm = k.newMm('P');
  const vma = anonVma(mm);
  const addr = vma.start * PS;
  const proc = { mm };
  return { mm, vma, addr, proc };
}

function spawn(k: Kernel, name: string, owner: unknown, body: (t: Task) => KGen): Task {
  return k.sched.spawn(name, owner, false, body);
}

function byte(mm: ReturnType<typeof setup>['mm'], vpn: number, off: number): number | null {
  const pte = mm.pt.get(vpn);
  if (pte?.kind !== PTE_PRESENT) return null;
  return pte.page!.data.at(off);
}

describe('registration', () => {
  it('faults the page in synchronously and reflects the current state at once', () => {
    const k = kernel();
    const s = setup(k);
    let err: unknown = 'not run';
    spawn(k, 'T.t', null, function* (t) {
      yield* event_enable_write(k, t, 'E', true);
    });
    spawn(k, 'P.t', s.proc, function* (t) {
      const r = yield* user_events_ioctl_reg(k, t, s.mm, 'E', reg(s.addr + 8, 4, 9));
      err = 'err' in r ? r.err : null;
    });
    expect(k.sched.run().kind).toBe('done');
    expect(err).toBeNull();
    expect(byte(s.mm, s.vma.start, 9)).toBe(0x02);
  });

  it('the same address and bit twice in one mm is EADDRINUSE; a read-only word is EFAULT', () => {
    const k = kernel();
    const s = setup(k);
    const errs: unknown[] = [];
    spawn(k, 'P.t', s.proc, function* (t) {
      for (const bit of [0, 0, 1]) {
        const r = yield* user_events_ioctl_reg(k, t, s.mm, `E${bit}`, reg(s.addr, 4, bit));
        errs.push('err' in r ? r.err : null);
      }
      yield* mprotect_fixup(k, t, s.mm, s.vma.start, s.vma.end, { read: true, write: false });
      const r = yield* user_events_ioctl_reg(k, t, s.mm, 'E9', reg(s.addr + 4, 4, 0));
      errs.push('err' in r ? r.err : null);
    });
    expect(k.sched.run().kind).toBe('done');
    expect(errs).toEqual([null, 'EADDRINUSE', null, 'EFAULT']);
  });
});

describe('the enable write and the fault worker (async-giveup, the merged design)', () => {
  it('a swapped-out word: FOLL_NOFAULT fails under event_mutex, FAULTING is set, the worker faults in and writes', () => {
    const k = kernel();
    const s = setup(k);
    let faultingAfterSet: boolean | null = null;
    spawn(k, 'P.t', s.proc, function* (t) {
      yield* user_events_ioctl_reg(k, t, s.mm, 'E', reg(s.addr, 4, 0));
      yield* reclaim_range(k, t, s.mm, s.vma.start, s.vma.end, true);
      expect(s.mm.pt.get(s.vma.start)!.kind).toBe(PTE_SWAP);
      yield* event_enable_write(k, t, 'E', true);
      faultingAfterSet = user_events(k).byMm.get(s.mm)!.enablers[0]!.faulting;
    });
    expect(k.sched.run().kind).toBe('done');
    expect(faultingAfterSet).toBe(true);
    expect(user_events(k).byMm.get(s.mm)!.enablers[0]!.faulting).toBe(false);
    expect(byte(s.mm, s.vma.start, 0)).toBe(0x01);
    expect(k.sched.tasks.some((t) => t.kernelThread)).toBe(true);
  });

  it('fixup fails (read-only): the worker clears FAULTING and gives up; the next enable once writable recovers', () => {
    const k = kernel();
    const s = setup(k);
    spawn(k, 'P.t', s.proc, function* (t) {
      yield* user_events_ioctl_reg(k, t, s.mm, 'E', reg(s.addr, 4, 3));
      yield* mprotect_fixup(k, t, s.mm, s.vma.start, s.vma.end, { read: true, write: false });
      yield* event_enable_write(k, t, 'E', true);
    });
    expect(k.sched.run().kind).toBe('done');
    const e = user_events(k).byMm.get(s.mm)!.enablers[0]!;
    expect(e.faulting).toBe(false);
    expect(byte(s.mm, s.vma.start, 0)).toBe(0x00);
    spawn(k, 'P.t2', s.proc, function* (t) {
      yield* mprotect_fixup(k, t, s.mm, s.vma.start, s.vma.end, { read: true, write: true });
      yield* event_enable_write(k, t, 'E', false);
      yield* event_enable_write(k, t, 'E', true);
    });
    expect(k.sched.run().kind).toBe('done');
    expect(byte(s.mm, s.vma.start, 0)).toBe(0x08);
  });

  it('unregister while the fault is queued marks FREEING; the bit is cleared and the worker frees the enabler', () => {
    const k = kernel();
    const s = setup(k);
    let kept: number | null = null;
    let ret: unknown = 'not run';
    spawn(k, 'P.t', s.proc, function* (t) {
      yield* event_enable_write(k, t, 'E', true);
      yield* user_events_ioctl_reg(k, t, s.mm, 'E', reg(s.addr, 4, 0));
      expect(byte(s.mm, s.vma.start, 0)).toBe(0x01);
      yield* reclaim_range(k, t, s.mm, s.vma.start, s.vma.end, true);
      yield* event_enable_write(k, t, 'E', false);
      yield* event_enable_write(k, t, 'E', true); // FAULTING already: -EBUSY, nothing queued twice
      ret = yield* user_events_ioctl_unreg(k, t, s.mm, s.addr, 0);
      const um = user_events(k).byMm.get(s.mm)!;
      kept = um.enablers.length;
      expect(um.enablers[0]!.freeing).toBe(true);
    });
    expect(k.sched.run().kind).toBe('done');
    expect(ret).toBe(0);
    expect(kept).toBe(1);
    expect(user_events(k).byMm.get(s.mm)!.enablers).toEqual([]);
    expect(user_events(k).events.get('E')!.refcnt).toBe(0);
    expect(byte(s.mm, s.vma.start, 0)).toBe(0x00);
    // One fault worker (the swap-in's disk read completes on a device context of its own).
    expect(k.sched.tasks.filter((t) => t.kernelThread && t.name.startsWith('kworker'))).toHaveLength(1);
  });

  it('user_event_mm_fault_in() stops after 10 attempts without faulting', () => {
    const k = kernel();
    const s = setup(k);
    const rets: unknown[] = [];
    spawn(k, 'P.t', s.proc, function* (t) {
      const r = yield* user_events_ioctl_reg(k, t, s.mm, 'E', reg(s.addr, 4, 0));
      expect('err' in r).toBe(false);
      const um = user_events(k).byMm.get(s.mm)!;
      const faults = k.stats.faults;
      rets.push(yield* user_event_mm_fault_in(k, t, um, s.addr, 11));
      rets.push(k.stats.faults - faults);
      rets.push(yield* user_event_mm_fault_in(k, t, um, s.addr, 10));
    });
    expect(k.sched.run().kind).toBe('done');
    expect(rets).toEqual(['EFAULT', 0, 0]);
  });
});

describe('what each strategy does when the memory is unmapped after registration', () => {
  function unmappedThenEnabled(strategies: Strategy[]) {
    const k = kernel(LE64, strategies);
    const s = setup(k);
    const victim = spawn(k, 'P.t', s.proc, function* (t) {
      yield* user_events_ioctl_reg(k, t, s.mm, 'E', reg(s.addr, 4, 0));
      yield* do_munmap(k, t, s.mm, s.vma.start, s.vma.end);
    });
    spawn(k, 'T.t', null, function* (t) {
      yield* event_enable_write(k, t, 'E', true);
    });
    // P stays alive (its mm keeps tasks) as long as the worker runs: P's task finishing does not
    // call user_event_mm_remove here; only the harness's process teardown does.
    return { k, end: k.sched.run(), victim };
  }

  it('async-giveup: the worker fails once and gives up', () => {
    const { k, end } = unmappedThenEnabled([asyncGiveup]);
    expect(end.kind).toBe('done');
    // Registration's synchronous fault-in of the untouched page; the worker's one attempt finds no
    // VMA, so fixup_user_fault() fails before any handle_mm_fault(): no fault to count.
    expect(k.stats.enablerFaults).toBe(1);
    expect(k.sched.tasks.filter((t) => t.kernelThread)).toHaveLength(1);
  });

  it('async-retry-forever: the worker re-queues itself without progress: livelock', () => {
    const { end } = unmappedThenEnabled([asyncRetryForever]);
    expect(end.kind).toBe('livelock');
    expect(end.kind === 'livelock' && end.message).toMatch(/re-queued itself 20 times/);
  });

  it('sync-fault: the tracer faults under event_mutex, fails, and queues nothing', () => {
    const { k, end } = unmappedThenEnabled([syncFault]);
    expect(end.kind).toBe('done');
    expect(k.sched.tasks.some((t) => t.kernelThread)).toBe(false);
  });

  it('kill-on-fault: force_sig_mm() on an mm whose threads have all exited kills nobody', () => {
    const { k, end, victim } = unmappedThenEnabled([killOnFault]);
    expect(end.kind).toBe('done');
    // P's task had already returned: no task gets the signal, so no process was killed.
    expect(victim.state).toBe(2);
    expect(victim.fatal).toBe(false);
    expect(user_events(k).kills).toEqual([]);
  });
});

describe('force_sig_mm() (kill-on-fault)', () => {
  it('kills the live tasks of the mm and reports it', () => {
    const k = kernel(LE64, [killOnFault]);
    const mm = k.newMm('P');
    const p = k.sched.spawn('P.main', { mm }, false, function* () {
      yield 0;
    });
    const w = k.sched.spawn('kworker/0', null, true, function* () {});
    force_sig_mm(k, w, mm, 'test');
    expect(p.fatal).toBe(true);
    expect(user_events(k).kills.map((x) => x.mm)).toEqual([mm]);
  });
  it('on an mm whose threads have all exited kills nobody and reports nothing', () => {
    const k = kernel(LE64, [killOnFault]);
    const mm = k.newMm('P');
    k.sched.spawn('P.main', { mm }, false, function* () {});
    const w = k.sched.spawn('kworker/0', null, true, function* () {});
    expect(k.sched.run()).toEqual({ kind: 'done' });
    force_sig_mm(k, w, mm, 'test');
    expect(user_events(k).kills).toEqual([]);
  });
});
