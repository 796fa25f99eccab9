import { describe, expect, it } from 'vitest';
import { FOLL_GET, FOLL_PIN } from '../../../src/core/mm/flags.js';
import { gup_put_page } from '../../../src/core/mm/gup.js';
import { exit_mmap } from '../../../src/core/mm/mmap.js';
import type { MmStruct } from '../../../src/core/mm/MmStruct.js';
import type { Page } from '../../../src/core/mm/Page.js';
import { PTE_NONE } from '../../../src/core/mm/Pte.js';
import { shrink_page } from '../../../src/core/mm/vmscan.js';
import { fork, gupOne, load, makeKernel, newProcess, present, runThread, store, swapPte } from '../helpers.js';

/** Every pte of the mm is empty. */
function allPtesNone(mm: MmStruct): boolean {
  for (const pte of mm.pt.values()) if (pte.kind !== PTE_NONE) return false;
  return true;
}

describe('exit_mmap', () => {
  it('releases every page and swap slot after a mix of faults, fork, COW, GUP and swap', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k, 4);
    const [p0, p1, p2] = [vma.start, vma.start + 1, vma.start + 2];
    let child: MmStruct = mm;
    const before = { pages: -1, slots: -1, pinned: 0 };
    runThread(k, function* (t) {
      yield* store(k, t, mm, p0, 0x10);
      yield* store(k, t, mm, p1, 0x11);
      yield* load(k, t, mm, p2); // the zero page
      child = yield* fork(k, t, mm);
      yield* store(k, t, child, p1, 0x21); // COW: the child copies p1
      // p0 is shared by both: reclaim turns both ptes into swap entries.
      expect(yield* shrink_page(k, t, present(mm, p0).page)).toBe('freed');
      // The parent writes p0 back in: it copies, the swap cache keeps the old page for the child.
      yield* store(k, t, mm, p0, 0x30, 0, 8);
      // A GUP reference on p1, dropped again.
      const g = yield* gupOne(k, t, mm, p1, FOLL_GET);
      gup_put_page(k, g, FOLL_GET);
      // p1, now the parent's alone, goes to swap and stays there.
      expect(yield* shrink_page(k, t, present(mm, p1).page)).toBe('freed');
      swapPte(mm, p1);
      swapPte(child, p0);
      before.pages = k.pages.size;
      before.slots = k.swap.slots.size;
      yield* exit_mmap(k, t, child);
      yield* exit_mmap(k, t, mm);
    });
    // The scenario did leave pages and slots for exit to release.
    expect(before.pages).toBeGreaterThanOrEqual(3);
    expect(before.slots).toBe(2);
    expect(k.pages.size).toBe(0);
    expect(k.swap.slots.size).toBe(0);
    for (const m of [mm, child]) {
      expect(m.dead).toBe(true);
      expect(m.vmas).toEqual([]);
      expect(allPtesNone(m)).toBe(true);
    }
  });

  it('leaves the other process\'s mapping of a shared page alone', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let shared: Page | null = null;
    let child: MmStruct = mm;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      child = yield* fork(k, t, mm);
      shared = present(mm, vma.start).page;
      yield* exit_mmap(k, t, mm);
    });
    const page = shared! as Page;
    expect(page.freed).toBe(false);
    expect(page.mapcount).toBe(1);
    expect(page.refcount).toBe(1);
    expect(page.rmap).toEqual([{ mm: child, vpn: vma.start }]);
    expect(present(child, vma.start).page).toBe(page);
  });

  it('drops the swap count of a shared slot but keeps the slot for the other process', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let child: MmStruct = mm;
    let entry = -1;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      child = yield* fork(k, t, mm);
      yield* shrink_page(k, t, present(mm, vma.start).page);
      entry = swapPte(mm, vma.start).swp;
      yield* exit_mmap(k, t, mm);
    });
    expect(k.swap.slot(entry).count).toBe(1);
    expect(swapPte(child, vma.start).swp).toBe(entry);
    expect(k.swap.slot(entry).data!.at(0)).toBe(0x11);
  });

  it('a page GUP still holds survives exit unmapped; the final put frees it', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let pinned: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      pinned = yield* gupOne(k, t, mm, vma.start, FOLL_PIN);
      yield* exit_mmap(k, t, mm);
    });
    const page = pinned! as Page;
    expect(page.freed).toBe(false);
    expect(page.mapcount).toBe(0);
    expect(page.rmap).toEqual([]);
    expect(k.pages.size).toBe(1);
    gup_put_page(k, page, FOLL_PIN);
    expect(page.freed).toBe(true);
    expect(k.pages.size).toBe(0);
  });

  it('a swap-cache page whose GUP reference was dropped before exit goes with the last swap pte', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let held: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      held = yield* gupOne(k, t, mm, vma.start, FOLL_GET);
      expect(yield* shrink_page(k, t, held)).toBe('swapcache');
      gup_put_page(k, held, FOLL_GET);
      yield* exit_mmap(k, t, mm);
    });
    expect((held! as Page).freed).toBe(true);
    expect(k.pages.size).toBe(0);
    expect(k.swap.slots.size).toBe(0);
  });

  it('a page swapped back in by a read fault is freed with its slot when the last pte is zapped', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* shrink_page(k, t, present(mm, vma.start).page);
      yield* load(k, t, mm, vma.start);
      expect(present(mm, vma.start).page.swapcache).toBe(true);
      yield* exit_mmap(k, t, mm);
    });
    expect(k.pages.size).toBe(0);
    expect(k.swap.slots.size).toBe(0);
  });

  it('a swap-cache page GUP holds at exit is freed by the final put', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let held: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      held = yield* gupOne(k, t, mm, vma.start, FOLL_GET);
      expect(yield* shrink_page(k, t, held)).toBe('swapcache');
      yield* exit_mmap(k, t, mm);
    });
    gup_put_page(k, held! as Page, FOLL_GET);
    expect((held! as Page).freed).toBe(true);
    expect(k.pages.size).toBe(0);
    expect(k.swap.slots.size).toBe(0);
  });
});
