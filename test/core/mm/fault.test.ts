import { describe, expect, it } from 'vitest';
import { user_access } from '../../../src/core/arch/uaccess.js';
import { FAULT_FLAG_ALLOW_RETRY, FAULT_FLAG_KILLABLE, FAULT_FLAG_TRIED, FOLL_GET, VM_FAULT_RETRY } from '../../../src/core/mm/flags.js';
import { handle_mm_fault } from '../../../src/core/mm/memory.js';
import { shrink_page } from '../../../src/core/mm/vmscan.js';
import type { Kernel } from '../../../src/core/Kernel.js';
import { retryUnlimited } from '../../../strategies/uffd-retry/retry-unlimited.js';
import { gup_put_page } from '../../../src/core/mm/gup.js';
import { exit_mmap, insert_vma } from '../../../src/core/mm/mmap.js';
import type { Page } from '../../../src/core/mm/Page.js';
import { PTE_NONE } from '../../../src/core/mm/Pte.js';
import { refcountReuse } from '../../../strategies/gup-cow/refcount-reuse.js';
import { PS, filled, fork, gupOne, kernelWith, load, makeKernel, newProcess, present, runThread, store } from '../helpers.js';

describe('anonymous faults (do_anonymous_page)', () => {
  it('a read fault maps the shared zero page read-only and allocates nothing', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let data: number[] = [];
    runThread(k, function* (t) {
      data = yield* load(k, t, mm, vma.start);
    });
    const { pte, page } = present(mm, vma.start);
    expect(page).toBe(k.zeroPage);
    expect(pte.write).toBe(false);
    expect(data).toEqual(filled(0));
    expect(k.pages.size).toBe(0);
    expect(k.stats.faults).toBe(1);
  });

  it('a write fault allocates a private page: refcount 1, mapcount 1, exclusive, mapped writable', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
    });
    const { pte, page } = present(mm, vma.start);
    expect(page).not.toBe(k.zeroPage);
    expect(pte.write).toBe(true);
    expect(pte.dirty).toBe(true);
    expect(page.anon).toBe(true);
    expect(page.refcount).toBe(1);
    expect(page.mapcount).toBe(1);
    expect(page.anonExclusive).toBe(true);
    expect(page.rmap).toEqual([{ mm, vpn: vma.start }]);
    expect(page.data.at(0)).toBe(0x11);
    expect(page.data.at(PS - 1)).toBe(0x11);
    expect(k.pages.has(page)).toBe(true);
    expect(k.pages.size).toBe(1);
  });

  it('a second write to the now-writable pte takes no fault', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* store(k, t, mm, vma.start, 0x22, 8, 8);
    });
    expect(k.stats.faults).toBe(1);
    const { page } = present(mm, vma.start);
    expect([page.data.at(7), page.data.at(8), page.data.at(15), page.data.at(16)]).toEqual([0x11, 0x22, 0x22, 0x11]);
  });

  it('a write to the zero page COWs to a fresh zeroed page, leaving the zero page untouched', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    runThread(k, function* (t) {
      yield* load(k, t, mm, vma.start);
      yield* store(k, t, mm, vma.start, 0x22, 0, 16);
    });
    const { pte, page } = present(mm, vma.start);
    expect(page).not.toBe(k.zeroPage);
    expect(pte.write).toBe(true);
    expect(page.data.at(0)).toBe(0x22);
    expect(page.data.at(15)).toBe(0x22);
    // The rest of the new page is zero: it was not filled from anything else.
    expect(page.data.at(16)).toBe(0);
    expect(page.data.at(PS - 1)).toBe(0);
    expect(page.refcount).toBe(1);
    expect(page.mapcount).toBe(1);
    expect(page.anonExclusive).toBe(true);
    // Copying the zero page is a clear, not a copy.
    expect(k.stats.pageCopies).toBe(0);
    expect(k.zeroPage.data.at(0)).toBe(0);
    expect(k.pages.size).toBe(1);
  });

  it('a store to an address outside any VMA gets SIGSEGV and maps nothing', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let err: string | null = null;
    runThread(k, function* (t) {
      err = yield* user_access(k, t, mm, (vma.end + 1) * PS, 8, 0x11, null);
    });
    expect(err).toBe('SIGSEGV');
    expect(k.pages.size).toBe(0);
    expect(mm.pt.get(vma.end + 1)?.kind ?? PTE_NONE).toBe(PTE_NONE);
  });

  it('a store to a read-only VMA gets SIGSEGV', () => {
    const k = makeKernel();
    const mm = k.newMm('P');
    const ro = insert_vma(mm, { name: 'ro', pages: 1, read: true, write: false, shared: false });
    let err: string | null = null;
    runThread(k, function* (t) {
      err = yield* user_access(k, t, mm, ro.start * PS, 8, 0x11, null);
    });
    expect(err).toBe('SIGSEGV');
    expect(k.pages.size).toBe(0);
  });

  it('a write fault beyond the memory limit is OOM', () => {
    const k = makeKernel(undefined, { limitPages: 1 });
    const { mm, vma } = newProcess(k, 2);
    let err: string | null = 'unset';
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      err = yield* user_access(k, t, mm, (vma.start + 1) * PS, 8, 0x22, null);
    });
    expect(err).toBe('OOM');
    expect(k.pages.size).toBe(1);
  });
});

describe('COW after fork under the baseline (mapcount-based reuse)', () => {
  it('a write while both processes map the page copies it (mapcount 2)', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let shared: Page | null = null;
    let child = mm;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      child = yield* fork(k, t, mm);
      shared = present(mm, vma.start).page;
      expect(shared.mapcount).toBe(2);
      yield* store(k, t, mm, vma.start, 0x33, 0, 8);
    });
    const old = shared!;
    const mine = present(mm, vma.start);
    expect(mine.page).not.toBe(old);
    expect(mine.pte.write).toBe(true);
    // The copy has the old contents where the write did not land.
    expect(mine.page.data.at(0)).toBe(0x33);
    expect(mine.page.data.at(8)).toBe(0x11);
    expect(mine.page.refcount).toBe(1);
    expect(mine.page.mapcount).toBe(1);
    expect(mine.page.anonExclusive).toBe(true);
    // The child keeps the original, untouched by the parent's write.
    expect(present(child, vma.start).page).toBe(old);
    expect(old.data.at(0)).toBe(0x11);
    expect(old.refcount).toBe(1);
    expect(old.mapcount).toBe(1);
    expect(k.stats.pageCopies).toBe(1);
  });

  it('a write once the other mapping is gone reuses the page in place (mapcount 1)', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let shared: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      const child = yield* fork(k, t, mm);
      shared = present(mm, vma.start).page;
      yield* exit_mmap(k, t, child);
      expect(shared.mapcount).toBe(1);
      expect(present(mm, vma.start).pte.write).toBe(false);
      yield* store(k, t, mm, vma.start, 0x33, 0, 8);
    });
    const { pte, page } = present(mm, vma.start);
    expect(page).toBe(shared);
    expect(pte.write).toBe(true);
    expect(page.data.at(0)).toBe(0x33);
    expect(page.data.at(8)).toBe(0x11);
    expect(page.anonExclusive).toBe(true);
    expect(k.stats.pageCopies).toBe(0);
    expect(k.pages.size).toBe(1);
  });

  it('the child writing copies too, and then the parent, sole mapper of the original, reuses it', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let original: Page | null = null;
    let child = mm;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      child = yield* fork(k, t, mm);
      original = present(mm, vma.start).page;
      yield* store(k, t, child, vma.start, 0x22);
      yield* store(k, t, mm, vma.start, 0x33);
    });
    expect(present(mm, vma.start).page).toBe(original);
    expect(present(child, vma.start).page).not.toBe(original);
    expect(present(mm, vma.start).page.data.at(0)).toBe(0x33);
    expect(present(child, vma.start).page.data.at(0)).toBe(0x22);
    expect(k.stats.pageCopies).toBe(1);
  });

  it('a GUP reference does not stop the baseline from reusing a page only one pte maps', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let pinned: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      const child = yield* fork(k, t, mm);
      yield* exit_mmap(k, t, child);
      pinned = yield* gupOne(k, t, mm, vma.start, FOLL_GET);
      yield* store(k, t, mm, vma.start, 0x33);
    });
    expect(present(mm, vma.start).page).toBe(pinned);
    expect(pinned!.refcount).toBe(2);
    expect(k.stats.pageCopies).toBe(0);
  });
});

describe('COW under refcount-reuse (fix A, 09854ba94c6a)', () => {
  it('reuses a write-protected page that nothing else references', () => {
    const k = kernelWith(refcountReuse);
    const { mm, vma } = newProcess(k);
    let page: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      const child = yield* fork(k, t, mm);
      yield* exit_mmap(k, t, child);
      page = present(mm, vma.start).page;
      yield* store(k, t, mm, vma.start, 0x33);
    });
    expect(present(mm, vma.start).page).toBe(page);
    expect(k.stats.pageCopies).toBe(0);
  });

  it('a GUP reference forces a copy even though only one pte maps the page', () => {
    const k = kernelWith(refcountReuse);
    const { mm, vma } = newProcess(k);
    let gupPage: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      const child = yield* fork(k, t, mm);
      yield* exit_mmap(k, t, child);
      gupPage = yield* gupOne(k, t, mm, vma.start, FOLL_GET);
      expect(gupPage.mapcount).toBe(1);
      expect(gupPage.refcount).toBe(2);
      yield* store(k, t, mm, vma.start, 0x33, 0, 8);
    });
    const g = gupPage!;
    const { pte, page } = present(mm, vma.start);
    expect(page).not.toBe(g);
    expect(pte.write).toBe(true);
    expect(page.data.at(0)).toBe(0x33);
    expect(page.data.at(8)).toBe(0x11);
    expect(k.stats.pageCopies).toBe(1);
    // The GUP'd page is now held only by the GUP reference, unmapped and unchanged.
    expect(g.mapcount).toBe(0);
    expect(g.refcount).toBe(1);
    expect(g.data.at(0)).toBe(0x11);
    gup_put_page(k, g, FOLL_GET);
    expect(g.freed).toBe(true);
    expect(k.pages.size).toBe(1);
  });
});

describe('lock_page_or_retry() on a page under swap-in I/O (a disk)', () => {
  /** A swapped-out page, then one handle_mm_fault() with `flags` while the read is still in flight. */
  function faultWhileReading(k: Kernel, flags: number): { ret: number; heldAfter: boolean } {
    const { mm, vma } = newProcess(k);
    let ret = -1;
    let heldAfter = false;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      expect(yield* shrink_page(k, t, present(mm, vma.start).page)).toBe('freed');
      yield* mm.mmap_lock.down_read(t);
      ret = yield* handle_mm_fault(k, t, vma, vma.start, flags);
      heldAfter = mm.mmap_lock.heldBy(t);
      if (heldAfter) mm.mmap_lock.up_read(t);
    });
    return { ret, heldAfter };
  }

  it('the first attempt (ALLOW_RETRY) drops mmap_lock, waits for the read, and returns VM_FAULT_RETRY', () => {
    const r = faultWhileReading(makeKernel(), FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE);
    expect(r.ret & VM_FAULT_RETRY).toBe(VM_FAULT_RETRY);
    expect(r.heldAfter).toBe(false);
  });

  it('before 5.7 a retry that kept ALLOW_RETRY (none of the merged kernels did) would drop it again', () => {
    const r = faultWhileReading(makeKernel(), FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_TRIED);
    expect(r.ret & VM_FAULT_RETRY).toBe(VM_FAULT_RETRY);
    expect(r.heldAfter).toBe(false);
  });

  it('since 4064b9827063 (retry-unlimited) a retry (FAULT_FLAG_TRIED) sleeps on the page lock holding mmap_lock and maps the page', () => {
    const r = faultWhileReading(kernelWith(retryUnlimited), FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE | FAULT_FLAG_TRIED);
    expect(r.ret & VM_FAULT_RETRY).toBe(0);
    expect(r.heldAfter).toBe(true);
  });

  it('without ALLOW_RETRY the fault sleeps on the page lock and maps the page', () => {
    const r = faultWhileReading(makeKernel(), 0);
    expect(r.ret & VM_FAULT_RETRY).toBe(0);
    expect(r.heldAfter).toBe(true);
  });
});
