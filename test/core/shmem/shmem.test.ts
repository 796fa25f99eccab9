/**
 * The shmem paths on their own: shmem_fault filling a hole and finding a cached page, read
 * fault-around, zapping (DONTNEED and reclaim), hole punch, and uffd-wp markers installed and cleared.
 */
import { describe, expect, it } from 'vitest';
import { madvise_dontneed } from '../../../src/core/mm/madvise.js';
import { insert_vma } from '../../../src/core/mm/mmap.js';
import type { MmStruct } from '../../../src/core/mm/MmStruct.js';
import { PTE_MARKER, PTE_NONE, PTE_PRESENT } from '../../../src/core/mm/Pte.js';
import { shrink_page } from '../../../src/core/mm/vmscan.js';
import { shmem_file, shmem_punch_hole, unmap_mapping_folio, unmap_mapping_range } from '../../../src/core/shmem/shmem.js';
import type { Kernel } from '../../../src/core/Kernel.js';
import type { KGen } from '../../../src/core/sched/Task.js';
import { mcontinue_atomic_pte, mwriteprotect_range } from '../../../src/core/uffd/mcopy.js';
import { VM_UFFD_MINOR, VM_UFFD_WP, userfaultfd_new, userfaultfd_read, userfaultfd_register, type UffdMsg } from '../../../src/core/uffd/userfaultfd.js';
import { faultaroundSkipMinor } from '../../../strategies/uffd-wp-shmem/faultaround-skip-minor.js';
import { faultaroundSkipUffd } from '../../../strategies/uffd-wp-shmem/faultaround-skip-uffd.js';
import { pteMarker } from '../../../strategies/uffd-wp-shmem/pte-marker.js';
import { kernelWith, load, runThread, store } from '../helpers.js';

function shmemVma(k: Kernel, mm: MmStruct, pages: number) {
  return insert_vma(mm, { name: 'shm', pages, read: true, write: true, shared: true, file: shmem_file(k, 'f') });
}

describe('shmem page cache and faults', () => {
  it('a write fills the hole with a page-cache page that a second process then maps and sees', () => {
    const k = kernelWith();
    const a = k.newMm('A');
    const b = k.newMm('B');
    const va = shmemVma(k, a, 1);
    const vb = shmemVma(k, b, 1);
    runThread(k, function* (t): KGen {
      yield* store(k, t, a, va.start, 0x5a);
      const page = shmem_file(k, 'f').pages.get(0)!;
      expect(page.refcount).toBe(2); // the page cache and A's pte
      const out = yield* load(k, t, b, vb.start, 0, 1);
      expect(out).toEqual([0, 1, 0x5a]);
      expect(b.pt.get(vb.start)!.page).toBe(page);
      expect(page.mapcount).toBe(2);
    });
  });

  it('a read fault maps the page writable (shared shmem has no write-notify)', () => {
    const k = kernelWith();
    const mm = k.newMm('P');
    const v = shmemVma(k, mm, 1);
    runThread(k, function* (t): KGen {
      yield* load(k, t, mm, v.start, 0, 1);
      expect(mm.pt.get(v.start)!.write).toBe(true);
    });
  });

  it('read fault-around maps the cached neighbours; faultaround-skip-uffd does not in a wp VMA', () => {
    for (const [strategies, neighbours] of [[[], 3], [[faultaroundSkipUffd], 0]] as const) {
      const k = kernelWith(...strategies);
      const a = k.newMm('A');
      const b = k.newMm('B');
      const va = shmemVma(k, a, 4);
      const vb = shmemVma(k, b, 4);
      const ctx = userfaultfd_new(k, b, 0, 'B.u');
      runThread(k, function* (t): KGen {
        for (let i = 0; i < 4; i++) yield* store(k, t, a, va.start + i, 0x10 + i);
        expect(yield* userfaultfd_register(k, t, ctx, vb.start, vb.end, VM_UFFD_WP)).toBeNull();
        yield* load(k, t, b, vb.start, 0, 1);
      });
      let mapped = 0;
      for (let i = 1; i < 4; i++) if (b.pt.get(vb.start + i)?.kind === PTE_PRESENT) mapped++;
      expect(mapped).toBe(neighbours);
      expect(k.stats.faultAroundPages).toBe(neighbours);
    }
  });

  it('faultaround-skip-minor (5.14-5.18) skips fault-around in a minor VMA only; faultaround-skip-uffd in wp ones too', () => {
    const cases = [
      [faultaroundSkipMinor, VM_UFFD_MINOR, 0],
      [faultaroundSkipMinor, VM_UFFD_WP, 3],
      [faultaroundSkipUffd, VM_UFFD_MINOR, 0],
      [faultaroundSkipUffd, VM_UFFD_WP, 0],
    ] as const;
    for (const [strategy, mode, neighbours] of cases) {
      const k = kernelWith(strategy);
      const a = k.newMm('A');
      const b = k.newMm('B');
      const va = shmemVma(k, a, 4);
      const vb = shmemVma(k, b, 4);
      const ctx = userfaultfd_new(k, b, 0, 'B.u');
      const msgs: UffdMsg[] = [];
      k.sched.spawn('B.main', null, false, function* (t): KGen {
        for (let i = 0; i < 4; i++) yield* store(k, t, a, va.start + i, 0x10 + i);
        expect(yield* userfaultfd_register(k, t, ctx, vb.start, vb.end, mode)).toBeNull();
        expect(yield* load(k, t, b, vb.start, 0, 1)).toEqual([0, 1, 0x10]);
      });
      // A read of a cached page in a minor VMA that goes to shmem_fault is a minor userfault.
      if (mode === VM_UFFD_MINOR) {
        k.sched.spawn('B.monitor', null, false, function* (t): KGen {
          const m = yield* userfaultfd_read(k, t, [ctx], () => false, null);
          msgs.push(m!);
          expect(yield* mcontinue_atomic_pte(k, t, ctx, vb.start, vb.start + 1)).toBeNull();
        });
      }
      expect(k.sched.run()).toEqual({ kind: 'done' });
      expect(k.stats.faultAroundPages, `${strategy.name} ${mode}`).toBe(neighbours);
      expect(msgs.length).toBe(mode === VM_UFFD_MINOR ? 1 : 0);
    }
  });

  it('MADV_DONTNEED drops the ptes but the file keeps the data', () => {
    const k = kernelWith();
    const mm = k.newMm('P');
    const v = shmemVma(k, mm, 1);
    runThread(k, function* (t): KGen {
      yield* store(k, t, mm, v.start, 0x33);
      yield* madvise_dontneed(k, t, mm, v.start, v.end);
      expect(mm.pt.get(v.start)!.kind).toBe(PTE_NONE);
      expect(yield* load(k, t, mm, v.start, 0, 1)).toEqual([0, 1, 0x33]);
    });
  });

  it('reclaim unmaps a shmem page from every mm and swaps it out; the next access reads it back', () => {
    const k = kernelWith();
    const a = k.newMm('A');
    const b = k.newMm('B');
    const va = shmemVma(k, a, 1);
    const vb = shmemVma(k, b, 1);
    runThread(k, function* (t): KGen {
      yield* store(k, t, a, va.start, 0x44);
      yield* load(k, t, b, vb.start, 0, 1);
      const page = a.pt.get(va.start)!.page!;
      expect(yield* shrink_page(k, t, page)).toBe('freed');
      expect(a.pt.get(va.start)!.kind).toBe(PTE_NONE);
      expect(b.pt.get(vb.start)!.kind).toBe(PTE_NONE);
      expect(shmem_file(k, 'f').swapped.size).toBe(1);
      expect(yield* load(k, t, b, vb.start, 0, 1)).toEqual([0, 1, 0x44]);
      expect(shmem_file(k, 'f').swapped.size).toBe(0);
    });
  });

  it('a hole punch unmaps the page in every mm and drops it: sharers read zeroes', () => {
    const k = kernelWith();
    const a = k.newMm('A');
    const b = k.newMm('B');
    const va = shmemVma(k, a, 1);
    const vb = shmemVma(k, b, 1);
    runThread(k, function* (t): KGen {
      yield* store(k, t, a, va.start, 0x55);
      yield* load(k, t, b, vb.start, 0, 1);
      yield* shmem_punch_hole(k, t, shmem_file(k, 'f'), 0, 1);
      expect(shmem_file(k, 'f').pages.size).toBe(0);
      expect(b.pt.get(vb.start)!.kind).toBe(PTE_NONE);
      expect(yield* load(k, t, b, vb.start, 0, 1)).toEqual([0, 1, 0]);
    });
  });
});

describe('uffd-wp pte markers on shmem', () => {
  it('pte-marker: a zap of a wp pte leaves a marker; the refault maps the page write-protected', () => {
    for (const [strategies, kind] of [[[pteMarker], PTE_MARKER], [[], PTE_NONE]] as const) {
      const k = kernelWith(...strategies);
      const mm = k.newMm('P');
      const v = shmemVma(k, mm, 1);
      const ctx = userfaultfd_new(k, mm, 0, 'P.u');
      runThread(k, function* (t): KGen {
        yield* store(k, t, mm, v.start, 0x11);
        expect(yield* userfaultfd_register(k, t, ctx, v.start, v.end, VM_UFFD_WP)).toBeNull();
        expect(yield* mwriteprotect_range(k, t, ctx, v.start, v.end, true)).toBeNull();
        yield* madvise_dontneed(k, t, mm, v.start, v.end);
        expect(mm.pt.get(v.start)!.kind).toBe(kind);
        yield* load(k, t, mm, v.start, 0, 1);
        const pte = mm.pt.get(v.start)!;
        expect(pte.uffdWp).toBe(kind === PTE_MARKER);
        expect(pte.write).toBe(kind !== PTE_MARKER);
      });
    }
  });

  it('pte-marker: fault-around from a marker fault maps the none neighbours write-protected (do_set_pte uses vmf->orig_pte)', () => {
    const k = kernelWith(pteMarker);
    const a = k.newMm('A');
    const b = k.newMm('B');
    const va = shmemVma(k, a, 4);
    const vb = shmemVma(k, b, 4);
    const ctx = userfaultfd_new(k, b, 0, 'B.u');
    runThread(k, function* (t): KGen {
      for (let i = 0; i < 4; i++) yield* store(k, t, a, va.start + i, 0x10 + i);
      expect(yield* userfaultfd_register(k, t, ctx, vb.start, vb.end, VM_UFFD_WP)).toBeNull();
      // Only page 0 is write-protected: a marker there, none ptes next to it.
      expect(yield* mwriteprotect_range(k, t, ctx, vb.start, vb.start + 1, true)).toBeNull();
      expect(b.pt.get(vb.start)!.kind).toBe(PTE_MARKER);
      yield* load(k, t, b, vb.start, 0, 1);
    });
    expect(k.stats.faultAroundPages).toBe(3);
    for (let i = 0; i < 4; i++) {
      const pte = b.pt.get(vb.start + i)!;
      expect([pte.kind, pte.write, pte.uffdWp], `page ${i}`).toEqual([PTE_PRESENT, false, true]);
    }
  });

  it('unmap_mapping_range keeps and installs markers; unmap_mapping_folio (truncation under the page lock) drops them', () => {
    for (const folio of [false, true]) {
      const k = kernelWith(pteMarker);
      const a = k.newMm('A');
      const b = k.newMm('B');
      const va = shmemVma(k, a, 1);
      const vb = shmemVma(k, b, 1);
      const ca = userfaultfd_new(k, a, 0, 'A.u');
      const cb = userfaultfd_new(k, b, 0, 'B.u');
      runThread(k, function* (t): KGen {
        yield* store(k, t, a, va.start, 0x11);
        for (const [v, ctx] of [[va, ca], [vb, cb]] as const) {
          expect(yield* userfaultfd_register(k, t, ctx, v.start, v.end, VM_UFFD_WP)).toBeNull();
          expect(yield* mwriteprotect_range(k, t, ctx, v.start, v.end, true)).toBeNull();
        }
        // A maps the page write-protected; B's pte is a marker (never faulted).
        expect(b.pt.get(vb.start)!.kind).toBe(PTE_MARKER);
        const page = shmem_file(k, 'f').pages.get(0)!;
        if (folio) {
          yield* page.lock.lock(t);
          yield* unmap_mapping_folio(k, t, page);
          page.lock.unlock(t);
        } else {
          yield* unmap_mapping_range(k, t, shmem_file(k, 'f'), 0, 1);
        }
      });
      const kind = folio ? PTE_NONE : PTE_MARKER;
      expect(a.pt.get(va.start)!.kind).toBe(kind);
      expect(b.pt.get(vb.start)!.kind).toBe(kind);
    }
  });

  it('pte-marker: UFFDIO_WRITEPROTECT installs a marker on a none pte and resolving clears it', () => {
    const k = kernelWith(pteMarker);
    const mm = k.newMm('P');
    const v = shmemVma(k, mm, 1);
    const ctx = userfaultfd_new(k, mm, 0, 'P.u');
    runThread(k, function* (t): KGen {
      expect(yield* userfaultfd_register(k, t, ctx, v.start, v.end, VM_UFFD_WP)).toBeNull();
      expect(yield* mwriteprotect_range(k, t, ctx, v.start, v.end, true)).toBeNull();
      expect(mm.pt.get(v.start)!.kind).toBe(PTE_MARKER);
      expect(k.stats.pteMarkers).toBe(1);
      expect(yield* mwriteprotect_range(k, t, ctx, v.start, v.end, false)).toBeNull();
      expect(mm.pt.get(v.start)!.kind).toBe(PTE_NONE);
    });
  });
});
