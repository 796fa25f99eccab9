/**
 * mprotect on shmem: __split_vma and vma_merge (with vma-bitmap's bitmap going along), and
 * change_pte_range's pte_modify() with vm_page_prot, which made uffd-wp'd shared ptes writable until
 * write-notify for uffd-wp (51d3d5eb74ff).
 */
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../../src/core/Kernel.js';
import { madvise_dontneed } from '../../../src/core/mm/madvise.js';
import { insert_vma } from '../../../src/core/mm/mmap.js';
import { mprotect_fixup } from '../../../src/core/mm/mprotect.js';
import type { MmStruct } from '../../../src/core/mm/MmStruct.js';
import { PTE_PRESENT } from '../../../src/core/mm/Pte.js';
import { vma_wp_bit } from '../../../src/core/mm/Vma.js';
import { shmem_file } from '../../../src/core/shmem/shmem.js';
import type { KGen, Task } from '../../../src/core/sched/Task.js';
import type { Strategy } from '../../../src/core/Strategy.js';
import { mwriteprotect_range } from '../../../src/core/uffd/mcopy.js';
import { VM_UFFD_WP, userfaultfd_new, userfaultfd_register } from '../../../src/core/uffd/userfaultfd.js';
import { uffdWpWritenotify } from '../../../strategies/uffd-wp-shmem/uffd-wp-writenotify.js';
import { vmaBitmap } from '../../../strategies/uffd-wp-shmem/vma-bitmap.js';
import { anonVma, kernelWith, load, runThread, store } from '../helpers.js';

const R = { read: true, write: false };
const RW = { read: true, write: true };

function shmemSetup(strategies: Strategy[], pages = 3) {
  const k: Kernel = kernelWith(...strategies);
  const mm: MmStruct = k.newMm('P');
  const v = insert_vma(mm, { name: 'shm', pages, read: true, write: true, shared: true, file: shmem_file(k, 'f') });
  const ctx = userfaultfd_new(k, mm, 0, 'P.u');
  return { k, mm, v, ctx };
}

/** Populate every page, register wp and write-protect the whole range. */
function* populateAndProtect(k: Kernel, t: Task, mm: MmStruct, start: number, end: number, ctx: ReturnType<typeof userfaultfd_new>): KGen {
  for (let vpn = start; vpn < end; vpn++) yield* store(k, t, mm, vpn, 0x10 + vpn - start);
  expect(yield* userfaultfd_register(k, t, ctx, start, end, VM_UFFD_WP)).toBeNull();
  expect(yield* mwriteprotect_range(k, t, ctx, start, end, true)).toBeNull();
}

describe('mprotect_fixup on shmem: split and merge', () => {
  it('a split keeps each piece on the file at its own offset; mprotect back merges the pieces', () => {
    const { k, mm, v } = shmemSetup([]);
    const start = v.start;
    runThread(k, function* (t): KGen {
      for (let i = 0; i < 3; i++) yield* store(k, t, mm, start + i, 0x40 + i);
      yield* mprotect_fixup(k, t, mm, start + 1, start + 2, R);
      expect(mm.vmas.map((x) => [x.start - start, x.end - start, x.pgoff, x.write])).toEqual([
        [0, 1, 0, true],
        [1, 2, 1, false],
        [2, 3, 2, true],
      ]);
      for (const x of mm.vmas) expect(x.file).toBe(shmem_file(k, 'f'));
      // The read-only piece still faults its page in from the file.
      yield* madvise_dontneed(k, t, mm, start + 1, start + 2);
      expect(yield* load(k, t, mm, start + 1, 0, 1)).toEqual([0, 1, 0x41]);
      yield* mprotect_fixup(k, t, mm, start + 1, start + 2, RW);
      expect(mm.vmas).toHaveLength(1);
      expect([mm.vmas[0]!.start, mm.vmas[0]!.end, mm.vmas[0]!.pgoff]).toEqual([start, start + 3, 0]);
    });
  });

  it('vma-bitmap: the bitmap is split with the VMA and merged back, bits intact, each allocation counted', () => {
    const { k, mm, v, ctx } = shmemSetup([vmaBitmap]);
    const start = v.start;
    runThread(k, function* (t): KGen {
      yield* populateAndProtect(k, t, mm, start, start + 3, ctx);
      expect(k.stats.uffdWpBitmapBytes).toBe(1);
      // Page 2 unprotected: the pieces must keep the bits page by page, not all-or-nothing.
      expect(yield* mwriteprotect_range(k, t, ctx, start + 2, start + 3, false)).toBeNull();
      yield* mprotect_fixup(k, t, mm, start + 1, start + 2, R);
      expect(mm.vmas).toHaveLength(3);
      expect(mm.vmas.map((x) => vma_wp_bit(x, x.start))).toEqual([true, true, false]);
      expect(k.stats.uffdWpBitmapBytes).toBe(1 + 3);
      yield* mprotect_fixup(k, t, mm, start + 1, start + 2, RW);
      expect(mm.vmas).toHaveLength(1);
      expect([0, 1, 2].map((i) => vma_wp_bit(mm.vmas[0]!, start + i))).toEqual([true, true, false]);
      expect(k.stats.uffdWpBitmapBytes).toBe(1 + 3 + 1);
    });
  });
});

describe('change_pte_range on a uffd-wp shmem pte', () => {
  it('PROT_READ keeps the uffd-wp bit; PROT_READ|PROT_WRITE makes the pte writable, bit and all (5.19)', () => {
    const { k, mm, v, ctx } = shmemSetup([]);
    runThread(k, function* (t): KGen {
      yield* populateAndProtect(k, t, mm, v.start, v.end, ctx);
      yield* mprotect_fixup(k, t, mm, v.start + 1, v.start + 2, R);
      const pte = mm.pt.get(v.start + 1)!;
      expect([pte.kind, pte.write, pte.uffdWp]).toEqual([PTE_PRESENT, false, true]);
      yield* mprotect_fixup(k, t, mm, v.start + 1, v.start + 2, RW);
      expect([pte.write, pte.uffdWp]).toEqual([true, true]);
      // The neighbours were not in the range: still write-protected.
      expect(mm.pt.get(v.start)!.write).toBe(false);
    });
  });

  it('uffd-wp-writenotify: vm_page_prot is read-only, and a uffd-wp pte is never upgraded', () => {
    const { k, mm, v, ctx } = shmemSetup([uffdWpWritenotify]);
    runThread(k, function* (t): KGen {
      yield* populateAndProtect(k, t, mm, v.start, v.end, ctx);
      // Page 2 resolved: dirty and no longer uffd-wp, so can_change_pte_writable() may upgrade it.
      expect(yield* mwriteprotect_range(k, t, ctx, v.start + 2, v.start + 3, false)).toBeNull();
      yield* mprotect_fixup(k, t, mm, v.start, v.end, R);
      yield* mprotect_fixup(k, t, mm, v.start, v.end, RW);
      expect([0, 1, 2].map((i) => mm.pt.get(v.start + i)!.write)).toEqual([false, false, true]);
      expect(mm.pt.get(v.start + 1)!.uffdWp).toBe(true);
    });
  });

  it('uffd-wp-writenotify: a read fault maps a page read-only in a wp VMA only', () => {
    for (const register of [true, false]) {
      const { k, mm, v, ctx } = shmemSetup([uffdWpWritenotify], 1);
      runThread(k, function* (t): KGen {
        if (register) expect(yield* userfaultfd_register(k, t, ctx, v.start, v.end, VM_UFFD_WP)).toBeNull();
        yield* load(k, t, mm, v.start, 0, 1);
        expect(mm.pt.get(v.start)!.write).toBe(!register);
        // The write fault then upgrades it in place (wp_page_shared): no uffd-wp bit, no userfault.
        yield* store(k, t, mm, v.start, 0x77, 0, 1);
        expect(mm.pt.get(v.start)!.write).toBe(true);
      });
    }
  });

  it('a private mapping gets no write permission back from mprotect: the write fault decides', () => {
    const k = kernelWith();
    const mm = k.newMm('P');
    const v = anonVma(mm, 1);
    runThread(k, function* (t): KGen {
      yield* store(k, t, mm, v.start, 0x11);
      yield* mprotect_fixup(k, t, mm, v.start, v.end, R);
      yield* mprotect_fixup(k, t, mm, v.start, v.end, RW);
      expect(mm.pt.get(v.start)!.write).toBe(false);
    });
  });
});
