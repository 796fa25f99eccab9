/**
 * uffd-wp on anonymous memory (the pte bit, kept in swap ptes) and fork with and without
 * UFFD_FEATURE_EVENT_FORK.
 */
import { describe, expect, it } from 'vitest';
import { user_access } from '../../../src/core/arch/uaccess.js';
import { dup_mmap } from '../../../src/core/mm/fork.js';
import { PTE_PRESENT, PTE_SWAP } from '../../../src/core/mm/Pte.js';
import { shrink_page } from '../../../src/core/mm/vmscan.js';
import type { KGen, Task } from '../../../src/core/sched/Task.js';
import { mwriteprotect_range } from '../../../src/core/uffd/mcopy.js';
import {
  UFFD_FEATURE_EVENT_FORK,
  UFFD_PAGEFAULT_FLAG_WP,
  VM_UFFD_WP,
  userfaultfd_new,
  userfaultfd_read,
  userfaultfd_register,
  type UffdMsg,
} from '../../../src/core/uffd/userfaultfd.js';
import { PS, kernelWith, newProcess, store } from '../helpers.js';

function wpSetup(features = 0) {
  const k = kernelWith();
  const { mm, vma } = newProcess(k);
  const ctx = userfaultfd_new(k, mm, features, 'P.u');
  return { k, mm, vma, ctx };
}

describe('uffd-wp on anonymous memory', () => {
  it('a write to a write-protected pte raises a wp userfault; UFFDIO_WRITEPROTECT(wp=0) lets it complete', () => {
    const { k, mm, vma, ctx } = wpSetup();
    const msgs: UffdMsg[] = [];
    let err: string | null | undefined;
    k.sched.spawn('P.main', null, false, function* (t): KGen {
      yield* store(k, t, mm, vma.start, 0x11);
      expect(yield* userfaultfd_register(k, t, ctx, vma.start, vma.end, VM_UFFD_WP)).toBeNull();
      expect(yield* mwriteprotect_range(k, t, ctx, vma.start, vma.end, true)).toBeNull();
      err = yield* user_access(k, t, mm, vma.start * PS, 8, 0x22, null);
    });
    k.sched.spawn('P.monitor', null, false, function* (t): KGen {
      const m = yield* userfaultfd_read(k, t, [ctx], () => false, null);
      msgs.push(m!);
      yield* mwriteprotect_range(k, t, ctx, vma.start, vma.end, false);
    });
    expect(k.sched.run()).toEqual({ kind: 'done' });
    expect(err).toBeNull();
    expect(msgs).toHaveLength(1);
    expect(msgs[0]!.event === 'pagefault' && msgs[0]!.flags & UFFD_PAGEFAULT_FLAG_WP).toBeTruthy();
    const pte = mm.pt.get(vma.start)!;
    expect(pte.uffdWp).toBe(false);
    expect(pte.page!.data.at(0)).toBe(0x22);
  });

  it('the bit survives swap-out in the swap pte and comes back on swap-in, read-only', () => {
    const { k, mm, vma, ctx } = wpSetup();
    k.sched.spawn('P.main', null, false, function* (t: Task): KGen {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* userfaultfd_register(k, t, ctx, vma.start, vma.end, VM_UFFD_WP);
      yield* mwriteprotect_range(k, t, ctx, vma.start, vma.end, true);
      expect(yield* shrink_page(k, t, mm.pt.get(vma.start)!.page!)).toBe('freed');
      const pte = mm.pt.get(vma.start)!;
      expect(pte.kind).toBe(PTE_SWAP);
      expect(pte.uffdWp).toBe(true);
      expect(yield* user_access(k, t, mm, vma.start * PS, 8, null, [])).toBeNull();
      expect(pte.kind).toBe(PTE_PRESENT);
      expect(pte.uffdWp).toBe(true);
      expect(pte.write).toBe(false);
    });
    expect(k.sched.run()).toEqual({ kind: 'done' });
  });
});

describe('fork of a registered mm', () => {
  it('without UFFD_FEATURE_EVENT_FORK the child is unregistered and its ptes lose the wp bit', () => {
    const { k, mm, vma, ctx } = wpSetup();
    k.sched.spawn('P.main', null, false, function* (t: Task): KGen {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* userfaultfd_register(k, t, ctx, vma.start, vma.end, VM_UFFD_WP);
      yield* mwriteprotect_range(k, t, ctx, vma.start, vma.end, true);
      const r = yield* dup_mmap(k, t, mm, 'C');
      if (!('mm' in r)) throw new Error('fork failed');
      expect(r.mm.vmas[0]!.uffdCtx).toBeNull();
      expect(r.mm.pt.get(vma.start)!.uffdWp).toBe(false);
      expect(mm.pt.get(vma.start)!.uffdWp).toBe(true);
      // The child writes freely; the parent's page stays protected.
      expect(yield* user_access(k, t, r.mm, vma.start * PS, 8, 0x33, null)).toBeNull();
    });
    expect(k.sched.run()).toEqual({ kind: 'done' });
  });

  it('with it, the child keeps registration and the bit under a new context, announced by UFFD_EVENT_FORK', () => {
    const { k, mm, vma, ctx } = wpSetup(UFFD_FEATURE_EVENT_FORK);
    let childCtxSeen = false;
    let forkReturnedAfterRead = false;
    let read = false;
    k.sched.spawn('P.main', null, false, function* (t: Task): KGen {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* userfaultfd_register(k, t, ctx, vma.start, vma.end, VM_UFFD_WP);
      yield* mwriteprotect_range(k, t, ctx, vma.start, vma.end, true);
      const r = yield* dup_mmap(k, t, mm, 'C');
      if (!('mm' in r)) throw new Error('fork failed');
      forkReturnedAfterRead = read;
      const cv = r.mm.vmas[0]!;
      expect(cv.uffdCtx).not.toBeNull();
      expect(cv.uffdCtx).not.toBe(ctx);
      expect(cv.uffdFlags & VM_UFFD_WP).toBeTruthy();
      expect(r.mm.pt.get(vma.start)!.uffdWp).toBe(true);
    });
    k.sched.spawn('P.monitor', null, false, function* (t: Task): KGen {
      const m = yield* userfaultfd_read(k, t, [ctx], () => false, null);
      read = true;
      childCtxSeen = m?.event === 'fork' && m.child.mm.name === 'C';
    });
    expect(k.sched.run()).toEqual({ kind: 'done' });
    expect(childCtxSeen).toBe(true);
    expect(forkReturnedAfterRead).toBe(true);
  });
});
