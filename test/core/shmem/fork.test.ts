/**
 * fork of a uffd-wp'd shmem mapping: what copy_page_range() (vma_needs_copy) gives the child with and
 * without UFFD_FEATURE_EVENT_FORK, and what vma-bitmap's bitmap does across dup_mmap.
 */
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../../src/core/Kernel.js';
import { insert_vma } from '../../../src/core/mm/mmap.js';
import type { MmStruct } from '../../../src/core/mm/MmStruct.js';
import { PTE_MARKER, PTE_NONE, PTE_PRESENT } from '../../../src/core/mm/Pte.js';
import { vma_wp_bit } from '../../../src/core/mm/Vma.js';
import { shmem_file } from '../../../src/core/shmem/shmem.js';
import type { KGen, Task } from '../../../src/core/sched/Task.js';
import type { Strategy } from '../../../src/core/Strategy.js';
import { mwriteprotect_range } from '../../../src/core/uffd/mcopy.js';
import { UFFD_FEATURE_EVENT_FORK, VM_UFFD_WP, userfaultfd_new, userfaultfd_read, userfaultfd_register, type UserfaultfdCtx } from '../../../src/core/uffd/userfaultfd.js';
import { pteMarker } from '../../../strategies/uffd-wp-shmem/pte-marker.js';
import { vmaBitmap } from '../../../strategies/uffd-wp-shmem/vma-bitmap.js';
import { fork, kernelWith, store } from '../helpers.js';

/**
 * P maps 3 pages of shmem, writes pages 0 and 1, registers the range wp (with `features`) and
 * write-protects all three, then forks C. With EVENT_FORK a monitor reads the fork event that
 * dup_mmap waits for. Returns both mms once everything ran.
 */
function forkWpShmem(strategies: Strategy[], features: number) {
  const k: Kernel = kernelWith(...strategies);
  const mm = k.newMm('P');
  const v = insert_vma(mm, { name: 'shm', pages: 3, read: true, write: true, shared: true, file: shmem_file(k, 'f') });
  const ctx = userfaultfd_new(k, mm, features, 'P.u');
  let child: MmStruct | null = null;
  const bytesBeforeFork: number[] = [];
  k.sched.spawn('P.main', null, false, function* (t: Task): KGen {
    yield* store(k, t, mm, v.start, 0x11);
    yield* store(k, t, mm, v.start + 1, 0x12);
    expect(yield* userfaultfd_register(k, t, ctx, v.start, v.end, VM_UFFD_WP)).toBeNull();
    expect(yield* mwriteprotect_range(k, t, ctx, v.start, v.end, true)).toBeNull();
    bytesBeforeFork.push(k.stats.uffdWpBitmapBytes);
    child = yield* fork(k, t, mm);
  });
  let childCtx: UserfaultfdCtx | null = null;
  if (features & UFFD_FEATURE_EVENT_FORK) {
    k.sched.spawn('P.monitor', null, false, function* (t: Task): KGen {
      const m = yield* userfaultfd_read(k, t, [ctx], () => false, null);
      if (m?.event === 'fork') childCtx = m.child;
    });
  }
  expect(k.sched.run()).toEqual({ kind: 'done' });
  return { k, mm, v, child: child! as MmStruct, childCtx: childCtx as UserfaultfdCtx | null, bytesBeforeFork: bytesBeforeFork[0]! };
}

describe('fork of a uffd-wp shmem range (vma_needs_copy)', () => {
  it('without EVENT_FORK the child is unregistered and no pte is copied, under every strategy', () => {
    for (const s of [[], [pteMarker], [vmaBitmap]]) {
      const { child, v, childCtx } = forkWpShmem(s, 0);
      const cv = child.find_vma(v.start)!;
      expect(cv.uffdCtx).toBeNull();
      expect(cv.uffdFlags).toBe(0);
      expect(cv.uffdWpBitmap).toBeNull();
      expect(childCtx).toBeNull();
      for (let i = 0; i < 3; i++) expect(child.pt.get(v.start + i)?.kind ?? PTE_NONE).toBe(PTE_NONE);
    }
  });

  it('with EVENT_FORK, pte-marker copies the ptes keeping the bit, and the marker of the hole (c56d1b62cce8)', () => {
    const { k, child, v, childCtx } = forkWpShmem([pteMarker], UFFD_FEATURE_EVENT_FORK);
    const cv = child.find_vma(v.start)!;
    expect(cv.uffdCtx).toBe(childCtx);
    expect(cv.uffdFlags & VM_UFFD_WP).toBeTruthy();
    for (const i of [0, 1]) {
      const pte = child.pt.get(v.start + i)!;
      expect(pte.kind).toBe(PTE_PRESENT);
      expect(pte.uffdWp).toBe(true);
      expect(pte.write).toBe(false);
      expect(pte.page).toBe(shmem_file(k, 'f').pages.get(i));
    }
    const hole = child.pt.get(v.start + 2)!;
    expect(hole.kind).toBe(PTE_MARKER);
    expect(hole.uffdWp).toBe(true);
    expect(k.stats.pteMarkers).toBe(2); // the parent's and the child's copy
  });

  it('with EVENT_FORK, the baseline keeps the registration but copies nothing: the child refaults without the bit', () => {
    const { child, v, childCtx } = forkWpShmem([], UFFD_FEATURE_EVENT_FORK);
    expect(child.find_vma(v.start)!.uffdCtx).toBe(childCtx);
    expect(childCtx).not.toBeNull();
    for (let i = 0; i < 3; i++) expect(child.pt.get(v.start + i)?.kind ?? PTE_NONE).toBe(PTE_NONE);
  });

  it('vma-bitmap: the bitmap is duplicated (and counted) only when the child stays VM_UFFD_WP', () => {
    const withEv = forkWpShmem([vmaBitmap], UFFD_FEATURE_EVENT_FORK);
    const cv = withEv.child.find_vma(withEv.v.start)!;
    expect(cv.uffdWpBitmap).not.toBeNull();
    expect(cv.uffdWpBitmap).not.toBe(withEv.v.uffdWpBitmap);
    for (let i = 0; i < 3; i++) expect(vma_wp_bit(cv, withEv.v.start + i)).toBe(true);
    expect(withEv.k.stats.uffdWpBitmapBytes).toBe(2 * withEv.bytesBeforeFork);
    const without = forkWpShmem([vmaBitmap], 0);
    expect(without.k.stats.uffdWpBitmapBytes).toBe(without.bytesBeforeFork);
  });
});
