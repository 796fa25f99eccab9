import { describe, expect, it } from 'vitest';
import { FOLL_GET, FOLL_LONGTERM, FOLL_PIN, FOLL_WRITE } from '../../../src/core/mm/flags.js';
import { get_user_pages_fast } from '../../../src/core/mm/gup.js';
import type { Kernel } from '../../../src/core/Kernel.js';
import type { Strategy } from '../../../src/core/Strategy.js';
import { WRITE } from '../../../src/core/sched/Access.js';
import { forkWriteProtectSeq } from '../../../strategies/gup-cow/fork-write-protect-seq.js';
import { refcountReuse } from '../../../strategies/gup-cow/refcount-reuse.js';
import type { MmStruct } from '../../../src/core/mm/MmStruct.js';
import type { Page } from '../../../src/core/mm/Page.js';
import { PTE_NONE } from '../../../src/core/mm/Pte.js';
import { shrink_page } from '../../../src/core/mm/vmscan.js';
import { forkCopy } from '../../../strategies/gup-cow/fork-copy.js';
import { forkCopyPinned } from '../../../strategies/gup-cow/fork-copy-pinned.js';
import { filled, fork, gupOne, hooksOf, kernelWith, load, makeKernel, newProcess, present, runThread, store, swapPte, switchesChooser } from '../helpers.js';

describe('fork (dup_mmap / copy_present_pte) under the baseline', () => {
  it('shares an anonymous page with the child, write-protected in both: mapcount 2, refcount 2', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let child: MmStruct = mm;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      expect(present(mm, vma.start).pte.write).toBe(true);
      child = yield* fork(k, t, mm);
    });
    expect(child).not.toBe(mm);
    const p = present(mm, vma.start);
    const c = present(child, vma.start);
    expect(c.page).toBe(p.page);
    expect(p.pte.write).toBe(false);
    expect(c.pte.write).toBe(false);
    expect(p.page.mapcount).toBe(2);
    expect(p.page.refcount).toBe(2);
    expect(p.page.anonExclusive).toBe(false);
    expect(p.page.rmap).toEqual([
      { mm, vpn: vma.start },
      { mm: child, vpn: vma.start },
    ]);
    expect(k.pages.size).toBe(1);
    expect(k.stats.pageCopies).toBe(0);
  });

  it('gives the child the same VMAs, and the child reads the parent\'s data', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k, 2);
    let child: MmStruct = mm;
    let seen: number[] = [];
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start + 1, 0x11);
      child = yield* fork(k, t, mm);
      seen = yield* load(k, t, child, vma.start + 1);
    });
    expect(child.vmas.map((v) => [v.name, v.start, v.end, v.read, v.write, v.shared])).toEqual([['buf', vma.start, vma.end, true, true, false]]);
    expect(child.vmas[0]).not.toBe(vma);
    expect(seen).toEqual(filled(0x11));
    // The untouched page stays unpopulated in the child too.
    expect(child.pt.get(vma.start)?.kind ?? PTE_NONE).toBe(PTE_NONE);
  });

  it('maps the zero page read-only in the child without counting it', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let child: MmStruct = mm;
    runThread(k, function* (t) {
      yield* load(k, t, mm, vma.start);
      child = yield* fork(k, t, mm);
    });
    const c = present(child, vma.start);
    expect(c.page).toBe(k.zeroPage);
    expect(c.pte.write).toBe(false);
    expect(k.pages.size).toBe(0);
  });

  it('a write by either side after fork is not seen by the other', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let child: MmStruct = mm;
    let childSees: number[] = [];
    let parentSees: number[] = [];
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      child = yield* fork(k, t, mm);
      yield* store(k, t, mm, vma.start, 0x22);
      childSees = yield* load(k, t, child, vma.start);
      yield* store(k, t, child, vma.start, 0x33);
      parentSees = yield* load(k, t, mm, vma.start);
    });
    expect(childSees).toEqual(filled(0x11));
    expect(parentSees).toEqual(filled(0x22));
  });
});

describe('fork when the forkMustCopy hook says copy', () => {
  /** Write the page, GUP it with `gupFlags` (or not at all), then fork. */
  function forkAfterGup(strategy: typeof forkCopy, gupFlags: number | null) {
    const k = kernelWith(strategy);
    const { mm, vma } = newProcess(k);
    let child: MmStruct = mm;
    let gupPage: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11, 0, 100);
      if (gupFlags !== null) gupPage = yield* gupOne(k, t, mm, vma.start, gupFlags);
      child = yield* fork(k, t, mm);
    });
    return { k, mm, vma, child, gupPage: gupPage as Page | null };
  }

  it('fork-copy: a page GUP touched is copied into the child, with the same data', () => {
    const { k, mm, vma, child, gupPage } = forkAfterGup(forkCopy, FOLL_GET);
    const p = present(mm, vma.start);
    const c = present(child, vma.start);
    expect(p.page).toBe(gupPage);
    expect(c.page).not.toBe(p.page);
    for (const i of [0, 99, 100, 4095]) expect(c.page.data.at(i)).toBe(p.page.data.at(i));
    expect(c.page.data.at(0)).toBe(0x11);
    expect(c.page.data.at(100)).toBe(0);
    // The child's copy is its own: exclusive, writable, singly mapped.
    expect(c.pte.write).toBe(true);
    expect(c.page.refcount).toBe(1);
    expect(c.page.mapcount).toBe(1);
    expect(c.page.anonExclusive).toBe(true);
    // The parent keeps the GUP'd page writable and exclusive: no COW fault will move it.
    expect(p.pte.write).toBe(true);
    expect(p.page.mapcount).toBe(1);
    expect(p.page.refcount).toBe(2);
    expect(p.page.anonExclusive).toBe(true);
    expect(k.stats.forkCopies).toBe(1);
    expect(k.stats.pageCopies).toBe(1);
  });

  it('fork-copy: a page GUP never touched is shared as usual', () => {
    const { k, mm, vma, child } = forkAfterGup(forkCopy, null);
    expect(present(child, vma.start).page).toBe(present(mm, vma.start).page);
    expect(present(mm, vma.start).pte.write).toBe(false);
    expect(k.stats.forkCopies).toBe(0);
  });

  it('fork-copy-pinned: a FOLL_PIN-ned page is copied; the child sees the same data', () => {
    const { k, mm, vma, child } = forkAfterGup(forkCopyPinned, FOLL_PIN);
    const p = present(mm, vma.start);
    const c = present(child, vma.start);
    expect(mm.hasPinned).toBe(true);
    expect(c.page).not.toBe(p.page);
    expect(c.page.data.at(0)).toBe(0x11);
    expect(p.pte.write).toBe(true);
    expect(k.stats.forkCopies).toBe(1);
  });

  it('fork-copy-pinned: a FOLL_GET reference is not a pin, so the page is shared', () => {
    const { k, mm, vma, child } = forkAfterGup(forkCopyPinned, FOLL_GET);
    expect(mm.hasPinned).toBe(false);
    expect(present(child, vma.start).page).toBe(present(mm, vma.start).page);
    expect(present(mm, vma.start).pte.write).toBe(false);
    expect(k.stats.forkCopies).toBe(0);
  });
});

describe('fork of swapped-out pages (copy_nonpresent_pte)', () => {
  it('duplicates the swap pte: same entry in both, swap count 2, neither exclusive, nothing allocated', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let child: MmStruct = mm;
    let entry = -1;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      expect(yield* shrink_page(k, t, present(mm, vma.start).page)).toBe('freed');
      const before = swapPte(mm, vma.start);
      expect(before.swpExclusive).toBe(true);
      entry = before.swp;
      expect(k.swap.slot(entry).count).toBe(1);
      child = yield* fork(k, t, mm);
    });
    const p = swapPte(mm, vma.start);
    const c = swapPte(child, vma.start);
    expect(p.swp).toBe(entry);
    expect(c.swp).toBe(entry);
    expect(k.swap.slot(entry).count).toBe(2);
    expect(p.swpExclusive).toBe(false);
    expect(c.swpExclusive).toBe(false);
    expect(k.pages.size).toBe(0);
  });

  it('both processes fault the same page back in from the one slot', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let child: MmStruct = mm;
    let childSees: number[] = [];
    let parentSees: number[] = [];
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* shrink_page(k, t, present(mm, vma.start).page);
      child = yield* fork(k, t, mm);
      childSees = yield* load(k, t, child, vma.start);
      parentSees = yield* load(k, t, mm, vma.start);
    });
    expect(childSees).toEqual(filled(0x11));
    expect(parentSees).toEqual(filled(0x11));
    const page = present(child, vma.start).page;
    expect(present(mm, vma.start).page).toBe(page);
    expect(page.mapcount).toBe(2);
    expect(k.stats.swapIns).toBe(1);
  });
});

describe('copy_present_pte: the pinned test and the write-protect are separate steps (57efa1fe5957)', () => {
  /** P writes its page; P.fork forks while P.pin pins it with pin_user_pages_fast(FOLL_WRITE) right before fork write-protects the pte. */
  function pinInsideForkWindow(strategies: Strategy[]): { k: Kernel; mm: MmStruct; child: MmStruct; pinned: Page[]; parentPage: () => Page } {
    let pteObj = -1;
    const k = makeKernel(hooksOf(...strategies), { chooser: switchesChooser([{ from: 'P.fork', when: (t) => t.pending === pteObj * 4 + WRITE, to: 'P.pin' }]) });
    const { mm, vma } = newProcess(k);
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
    }, 'P.setup');
    pteObj = present(mm, vma.start).pte.obj;
    let child: MmStruct = mm;
    let pinned: Page[] = [];
    k.sched.spawn('P.fork', null, false, function* (t) {
      child = yield* fork(k, t, mm);
    });
    k.sched.spawn('P.pin', null, false, function* (t) {
      const r = yield* get_user_pages_fast(k, t, mm, vma.start, 1, FOLL_PIN | FOLL_WRITE | FOLL_LONGTERM);
      expect(r.err).toBeNull();
      pinned = r.pages;
    });
    expect(k.sched.run()).toEqual({ kind: 'done' });
    return { k, mm, child, pinned, parentPage: () => present(mm, vma.start).page };
  }

  it('5.9 (refcount-reuse + fork-copy-pinned): gup_fast pins between the test and the write-protect; the pinned page ends up shared with the child, write-protected', () => {
    const { mm, child, pinned } = pinInsideForkWindow([refcountReuse, forkCopyPinned]);
    expect(pinned).toHaveLength(1);
    const p = present(mm, mm.vmas[0]!.start);
    const c = present(child, child.vmas[0]!.start);
    expect(p.page).toBe(pinned[0]);
    expect(c.page).toBe(pinned[0]); // "GUP now returns with a write protected page"
    expect(p.pte.write).toBe(false);
    expect(pinned[0]!.maybeDmaPinned).toBe(true);
  });

  it('5.11 (+ fork-write-protect-seq): the same pin backs off to the slow path, which waits for fork and breaks COW: the pin is the parent\'s alone', () => {
    const { mm, child, pinned } = pinInsideForkWindow([refcountReuse, forkCopyPinned, forkWriteProtectSeq]);
    expect(pinned).toHaveLength(1);
    const p = present(mm, mm.vmas[0]!.start);
    const c = present(child, child.vmas[0]!.start);
    expect(p.page).toBe(pinned[0]);
    expect(c.page).not.toBe(pinned[0]);
    expect(p.pte.write).toBe(true);
    expect(mm.writeProtectSeq).toBe(2); // begin and end: even again
  });

  it('the 2009 fork-copy write-protects before it tests the GUP mark: the gup_fast that slips in is seen and the child gets a copy', () => {
    const { mm, child, pinned } = pinInsideForkWindow([forkCopy]);
    expect(pinned).toHaveLength(1);
    const p = present(mm, mm.vmas[0]!.start);
    const c = present(child, child.vmas[0]!.start);
    expect(p.page).toBe(pinned[0]);
    expect(c.page).not.toBe(pinned[0]);
  });
});
