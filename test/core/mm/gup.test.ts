import { describe, expect, it } from 'vitest';
import { FOLL_GET, FOLL_LONGTERM, FOLL_PIN, FOLL_WRITE } from '../../../src/core/mm/flags.js';
import { get_user_pages, gup_fast, gup_put_page } from '../../../src/core/mm/gup.js';
import type { Kernel } from '../../../src/core/Kernel.js';
import { READ, WRITE } from '../../../src/core/sched/Access.js';
import type { KGen, Task } from '../../../src/core/sched/Task.js';
import { forkWriteProtectSeq } from '../../../strategies/gup-cow/fork-write-protect-seq.js';
import { do_munmap, exit_mmap } from '../../../src/core/mm/mmap.js';
import type { MmStruct } from '../../../src/core/mm/MmStruct.js';
import { GUP_PIN_COUNTING_BIAS, type Page } from '../../../src/core/mm/Page.js';
import { anonExclusive } from '../../../strategies/gup-cow/anon-exclusive.js';
import { gupDecow } from '../../../strategies/gup-cow/gup-decow.js';
import { fork, gupOne, hooksOf, kernelWith, load, makeKernel, newProcess, present, runThread, store, switchesChooser } from '../helpers.js';

describe('GUP reference counting (try_grab_page / gup_put_page)', () => {
  for (const fast of [false, true]) {
    const via = fast ? 'get_user_pages_fast' : 'get_user_pages';

    it(`${via}: FOLL_GET takes one reference and does not mark the mm as pinning`, () => {
      const k = makeKernel();
      const { mm, vma } = newProcess(k);
      let got: Page | null = null;
      runThread(k, function* (t) {
        yield* store(k, t, mm, vma.start, 0x11);
        got = yield* gupOne(k, t, mm, vma.start, FOLL_GET, fast);
      });
      const { page } = present(mm, vma.start);
      expect(got).toBe(page);
      expect(page.refcount).toBe(2);
      expect(page.mapcount).toBe(1);
      expect(page.maybeDmaPinned).toBe(false);
      expect(mm.hasPinned).toBe(false);
      gup_put_page(k, page, FOLL_GET);
      expect(page.refcount).toBe(1);
      expect(page.freed).toBe(false);
    });

    it(`${via}: FOLL_PIN adds GUP_PIN_COUNTING_BIAS (1024) and sets mm.hasPinned`, () => {
      const k = makeKernel();
      const { mm, vma } = newProcess(k);
      let got: Page | null = null;
      runThread(k, function* (t) {
        yield* store(k, t, mm, vma.start, 0x11);
        got = yield* gupOne(k, t, mm, vma.start, FOLL_PIN, fast);
      });
      const { page } = present(mm, vma.start);
      expect(GUP_PIN_COUNTING_BIAS).toBe(1024);
      expect(got).toBe(page);
      expect(page.refcount).toBe(1 + 1024);
      expect(page.maybeDmaPinned).toBe(true);
      expect(mm.hasPinned).toBe(true);
      gup_put_page(k, page, FOLL_PIN);
      expect(page.refcount).toBe(1);
      expect(page.maybeDmaPinned).toBe(false);
    });
  }

  it('the GUP reference outlives the mapping: munmap leaves the page, the final put frees it', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let got: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      got = yield* gupOne(k, t, mm, vma.start, FOLL_PIN);
      yield* do_munmap(k, t, mm, vma.start, vma.end);
    });
    const page = got!;
    expect(mm.vmas).toHaveLength(0);
    expect(page.freed).toBe(false);
    expect(page.mapcount).toBe(0);
    expect(page.refcount).toBe(1024);
    expect(page.data.at(0)).toBe(0x11);
    gup_put_page(k, page, FOLL_PIN);
    expect(page.freed).toBe(true);
    expect(k.pages.size).toBe(0);
  });

  it('a read GUP of an unpopulated page faults in the zero page, which is never counted', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let got: Page | null = null;
    runThread(k, function* (t) {
      got = yield* gupOne(k, t, mm, vma.start, FOLL_GET);
    });
    expect(got).toBe(k.zeroPage);
    expect(present(mm, vma.start).page).toBe(k.zeroPage);
    expect(k.zeroPage.refcount).toBe(1);
    expect(k.pages.size).toBe(0);
  });

  it('a write GUP of an unpopulated page allocates it writable, with the GUP reference on top', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let got: Page | null = null;
    runThread(k, function* (t) {
      got = yield* gupOne(k, t, mm, vma.start, FOLL_GET | FOLL_WRITE);
    });
    const { pte, page } = present(mm, vma.start);
    expect(got).toBe(page);
    expect(page).not.toBe(k.zeroPage);
    expect(pte.write).toBe(true);
    expect(page.refcount).toBe(2);
    expect(page.dirty).toBe(true);
  });

  it('GUP of an address outside any VMA fails with EFAULT and grabs nothing', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let r: { pages: Page[]; err: string | null } = { pages: [], err: null };
    runThread(k, function* (t) {
      r = yield* get_user_pages(k, t, mm, vma.end + 1, 1, FOLL_GET);
    });
    expect(r.err).toBe('EFAULT');
    expect(r.pages).toEqual([]);
  });
});

describe('GUP on a COW-shared page (after fork)', () => {
  /** Parent writes 0x11, forks, then GUPs the page with `flags`. */
  function gupAfterFork(k: ReturnType<typeof makeKernel>, flags: number, fast = false) {
    const { mm, vma } = newProcess(k);
    let child: MmStruct = mm;
    let shared: Page | null = null;
    let got: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      child = yield* fork(k, t, mm);
      shared = present(mm, vma.start).page;
      got = yield* gupOne(k, t, mm, vma.start, flags, fast);
    });
    return { mm, vma, child, shared: shared! as Page, got: got! as Page };
  }

  it('a write GUP breaks COW: the caller gets a private copy, mapped writable in its mm', () => {
    const k = makeKernel();
    const { mm, vma, child, shared, got } = gupAfterFork(k, FOLL_GET | FOLL_WRITE);
    const { pte, page } = present(mm, vma.start);
    expect(got).not.toBe(shared);
    expect(page).toBe(got);
    expect(pte.write).toBe(true);
    expect(got.data.at(0)).toBe(0x11);
    expect(got.refcount).toBe(2);
    expect(got.mapcount).toBe(1);
    expect(got.anonExclusive).toBe(true);
    // The child keeps the original, now mapped only by it.
    expect(present(child, vma.start).page).toBe(shared);
    expect(shared.mapcount).toBe(1);
    expect(shared.refcount).toBe(1);
    expect(k.stats.pageCopies).toBe(1);
  });

  it('under the baseline a read GUP does not break COW: it returns the page the child maps too', () => {
    const k = makeKernel();
    const { mm, vma, child, shared, got } = gupAfterFork(k, FOLL_GET);
    expect(got).toBe(shared);
    expect(present(mm, vma.start).pte.write).toBe(false);
    expect(present(child, vma.start).page).toBe(shared);
    expect(shared.mapcount).toBe(2);
    expect(shared.refcount).toBe(3);
    expect(k.stats.pageCopies).toBe(0);
  });

  for (const fast of [false, true]) {
    it(`gup-decow: a read GUP breaks COW as a write would${fast ? ' (gup_fast falls back to the slow path)' : ''}`, () => {
      const k = kernelWith(gupDecow);
      const { mm, vma, child, shared, got } = gupAfterFork(k, FOLL_GET, fast);
      const { pte, page } = present(mm, vma.start);
      expect(got).not.toBe(shared);
      expect(page).toBe(got);
      expect(pte.write).toBe(true);
      expect(got.data.at(0)).toBe(0x11);
      expect(got.mapcount).toBe(1);
      expect(got.refcount).toBe(2);
      expect(present(child, vma.start).page).toBe(shared);
      expect(shared.mapcount).toBe(1);
      expect(k.stats.pageCopies).toBe(1);
    });
  }
});

describe('anon-exclusive: an R/O pin of a shared page unshares it (gupMustUnshare)', () => {
  it('FOLL_PIN of a COW-shared page copies it; the pinned page is exclusive and mapped (R/O) by the pinner', () => {
    const k = kernelWith(anonExclusive);
    const { mm, vma } = newProcess(k);
    let child: MmStruct = mm;
    let shared: Page | null = null;
    let pinned: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      child = yield* fork(k, t, mm);
      shared = present(mm, vma.start).page;
      expect(shared.anonExclusive).toBe(false);
      pinned = yield* gupOne(k, t, mm, vma.start, FOLL_PIN);
    });
    const s = shared! as Page;
    const p = pinned! as Page;
    const { pte, page } = present(mm, vma.start);
    expect(p).not.toBe(s);
    expect(page).toBe(p);
    // Unsharing does not make the pte writable: that is a write fault's business.
    expect(pte.write).toBe(false);
    expect(p.anonExclusive).toBe(true);
    expect(p.mapcount).toBe(1);
    expect(p.refcount).toBe(1 + GUP_PIN_COUNTING_BIAS);
    expect(p.data.at(0)).toBe(0x11);
    expect(present(child, vma.start).page).toBe(s);
    expect(s.mapcount).toBe(1);
    expect(s.refcount).toBe(1);
    expect(k.stats.pageCopies).toBe(1);
  });

  it('a later write by the pinner reuses the pinned page, so the pin keeps seeing the process\'s memory', () => {
    const k = kernelWith(anonExclusive);
    const { mm, vma } = newProcess(k);
    let pinned: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* fork(k, t, mm);
      pinned = yield* gupOne(k, t, mm, vma.start, FOLL_PIN);
      yield* store(k, t, mm, vma.start, 0x44, 0, 8);
    });
    const { pte, page } = present(mm, vma.start);
    expect(page).toBe(pinned);
    expect(pte.write).toBe(true);
    expect(page.data.at(0)).toBe(0x44);
    expect(k.stats.pageCopies).toBe(1);
  });

  it('under the baseline the same R/O pin returns the shared page, and the pinner\'s write moves away from it', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let pinned: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* fork(k, t, mm);
      pinned = yield* gupOne(k, t, mm, vma.start, FOLL_PIN);
      yield* store(k, t, mm, vma.start, 0x44, 0, 8);
    });
    const p = pinned! as Page;
    expect(p.mapcount).toBe(1);
    expect(present(mm, vma.start).page).not.toBe(p);
    expect(p.data.at(0)).toBe(0x11);
  });

  it('FOLL_GET is not covered: a read get of a shared page does not unshare', () => {
    const k = kernelWith(anonExclusive);
    const { mm, vma } = newProcess(k);
    let got: Page | null = null;
    let shared: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* fork(k, t, mm);
      shared = present(mm, vma.start).page;
      got = yield* gupOne(k, t, mm, vma.start, FOLL_GET);
    });
    expect(got).toBe(shared);
    expect((got! as Page).anonExclusive).toBe(false);
    expect(k.stats.pageCopies).toBe(0);
  });

  it('unsharing a page no one else maps any more marks it exclusive in place, without a copy', () => {
    const k = kernelWith(anonExclusive);
    const { mm, vma } = newProcess(k);
    let before: Page | null = null;
    let pinned: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      const child = yield* fork(k, t, mm);
      yield* exit_mmap(k, t, child);
      before = present(mm, vma.start).page;
      expect(before.anonExclusive).toBe(false);
      expect(before.mapcount).toBe(1);
      pinned = yield* gupOne(k, t, mm, vma.start, FOLL_PIN);
    });
    const p = pinned! as Page;
    expect(p).toBe(before);
    expect(p.anonExclusive).toBe(true);
    expect(present(mm, vma.start).pte.write).toBe(false);
    expect(k.stats.pageCopies).toBe(0);
  });
});

describe('gup_fast as the kernel does it (grab, compare the whole pte, then gup_must_unshare)', () => {
  /** P maps one written page; `steps` run on two threads, `first` then `second`, switching when asked. */
  function twoThreads(k: Kernel, mm: MmStruct, vpn: number, first: (t: Task) => KGen<void>, second: (t: Task) => KGen<void>): void {
    k.sched.spawn('P.first', null, false, first);
    k.sched.spawn('P.second', null, false, second);
    expect(k.sched.run()).toEqual({ kind: 'done' });
    void mm;
    void vpn;
  }

  it('a pte that changes between the lockless read and the grab makes gup_fast back out, even for a read GUP (fork write-protected it)', () => {
    let pteObj = -1;
    let pageObj = -1;
    const k = makeKernel(undefined, { chooser: switchesChooser([{ from: 'P.first', when: (t) => t.pending === pageObj * 4 + WRITE, to: 'P.second' }]) });
    const { mm, vma } = newProcess(k);
    const out: Page[] = [];
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
    }, 'P.setup');
    const { pte, page } = present(mm, vma.start);
    pteObj = pte.obj;
    pageObj = page.obj;
    twoThreads(k, mm, vma.start, function* (t) {
      yield* gup_fast(k, t, mm, vma.start, 1, FOLL_GET, out);
    }, function* (t) {
      yield* fork(k, t, mm);
    });
    void pteObj;
    // The grab happened after fork's write-protect: the whole value differs, so nothing is taken.
    expect(out).toEqual([]);
    expect(page.refcount).toBe(2); // the two ptes
    expect(pte.write).toBe(false);
  });

  it('an R/O pin of a COW-shared page (anon-exclusive) grabs, sees gup_must_unshare() and backs out, leaving the counts as they were', () => {
    const k = kernelWith(anonExclusive);
    const { mm, vma } = newProcess(k);
    const out: Page[] = [];
    let refBefore = -1;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* fork(k, t, mm);
      refBefore = present(mm, vma.start).page.refcount;
      yield* gup_fast(k, t, mm, vma.start, 1, FOLL_PIN | FOLL_LONGTERM, out);
    });
    expect(out).toEqual([]);
    expect(present(mm, vma.start).page.refcount).toBe(refBefore);
  });

  it('the zero page is pte_special: gup_fast never takes it, the slow path does', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    const out: Page[] = [];
    let slow: Page | null = null;
    runThread(k, function* (t) {
      yield* load(k, t, mm, vma.start);
      yield* gup_fast(k, t, mm, vma.start, 1, FOLL_GET, out);
      slow = yield* gupOne(k, t, mm, vma.start, FOLL_GET, true);
    });
    expect(out).toEqual([]);
    expect(slow!.zero).toBe(true);
  });

  it('fork-write-protect-seq: an odd mm->write_protect_seq (fork in progress) makes a FOLL_PIN gup_fast take nothing; FOLL_GET ignores it', () => {
    const k = kernelWith(forkWriteProtectSeq);
    const { mm, vma } = newProcess(k);
    const pinned: Page[] = [];
    const got: Page[] = [];
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      mm.bumpWriteProtectSeq(); // raw_write_seqcount_begin()
      yield* gup_fast(k, t, mm, vma.start, 1, FOLL_PIN | FOLL_WRITE, pinned);
      yield* gup_fast(k, t, mm, vma.start, 1, FOLL_GET | FOLL_WRITE, got);
    });
    expect(pinned).toEqual([]);
    expect(got).toHaveLength(1);
  });

  it('fork-write-protect-seq: a fork that runs during the walk moves the count, and gup_fast unpins every page it took', () => {
    let pte2 = -1;
    const k = makeKernel(hooksOf(forkWriteProtectSeq), { chooser: switchesChooser([{ from: 'P.first', when: (t) => t.pending === pte2 * 4 + READ, to: 'P.second' }]) });
    const { mm, vma } = newProcess(k, 2);
    const out: Page[] = [];
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* store(k, t, mm, vma.start + 1, 0x22);
    }, 'P.setup');
    const first = present(mm, vma.start).page;
    pte2 = present(mm, vma.start + 1).pte.obj;
    twoThreads(k, mm, vma.start, function* (t) {
      yield* gup_fast(k, t, mm, vma.start, 2, FOLL_PIN, out);
    }, function* (t) {
      yield* fork(k, t, mm);
    });
    expect(out).toEqual([]);
    expect(first.maybeDmaPinned).toBe(false);
  });
});
