import { describe, expect, it } from 'vitest';
import { FOLL_GET, FOLL_PIN } from '../../../src/core/mm/flags.js';
import { gup_put_page } from '../../../src/core/mm/gup.js';
import type { MmStruct } from '../../../src/core/mm/MmStruct.js';
import type { Page } from '../../../src/core/mm/Page.js';
import { shrink_page, type ReclaimResult } from '../../../src/core/mm/vmscan.js';
import { read_swap_cache_async } from '../../../src/core/mm/swap.js';
import type { Kernel } from '../../../src/core/Kernel.js';
import type { KGen, Task } from '../../../src/core/sched/Task.js';
import { skipSwapcache } from '../../../strategies/gup-cow/skip-swapcache.js';
import { anonExclusive } from '../../../strategies/gup-cow/anon-exclusive.js';
import { PS, filled, fork, gupOne, hooksOf, kernelWith, load, makeKernel, newProcess, present, runThread, store, swapPte } from '../helpers.js';

describe('reclaim of an anonymous page (shrink_page / try_to_unmap)', () => {
  it('an unshared page is written to swap and freed, leaving an exclusive swap pte', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let victim: Page | null = null;
    let result: ReclaimResult | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11, 0, 100);
      victim = present(mm, vma.start).page;
      result = yield* shrink_page(k, t, victim);
    });
    const page = victim! as Page;
    expect(result).toBe('freed');
    expect(page.freed).toBe(true);
    expect(page.swapcache).toBe(false);
    expect(page.mapcount).toBe(0);
    expect(k.pages.size).toBe(0);
    const pte = swapPte(mm, vma.start);
    expect(pte.swpExclusive).toBe(true);
    const slot = k.swap.slot(pte.swp);
    expect(slot.count).toBe(1);
    expect(slot.cache).toBeNull();
    // The data survives in the slot.
    expect(slot.data).not.toBeNull();
    expect(slot.data!.at(0)).toBe(0x11);
    expect(slot.data!.at(99)).toBe(0x11);
    expect(slot.data!.at(100)).toBe(0);
    expect(k.stats.swapOuts).toBe(1);
  });

  it('a page mapped by two processes is unmapped from both before it is freed', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let child: MmStruct = mm;
    let result: ReclaimResult | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      child = yield* fork(k, t, mm);
      result = yield* shrink_page(k, t, present(mm, vma.start).page);
    });
    expect(result).toBe('freed');
    const p = swapPte(mm, vma.start);
    const c = swapPte(child, vma.start);
    expect(c.swp).toBe(p.swp);
    expect(k.swap.slot(p.swp).count).toBe(2);
    expect(p.swpExclusive).toBe(false);
    expect(c.swpExclusive).toBe(false);
    expect(k.pages.size).toBe(0);
  });

  it('a read fault brings the page back with the same data, mapped read-only from the swap cache', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let seen: number[] = [];
    let entry = -1;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11, 0, 100);
      yield* shrink_page(k, t, present(mm, vma.start).page);
      entry = swapPte(mm, vma.start).swp;
      seen = yield* load(k, t, mm, vma.start);
    });
    expect(seen).toEqual([0, 100, 0x11, 100, PS, 0]);
    const { pte, page } = present(mm, vma.start);
    expect(pte.write).toBe(false);
    expect(page.data.at(0)).toBe(0x11);
    expect(page.data.at(100)).toBe(0);
    expect(page.mapcount).toBe(1);
    // The pte's reference and the swap cache's.
    expect(page.swapcache).toBe(true);
    expect(page.swapEntry).toBe(entry);
    expect(page.refcount).toBe(2);
    expect(k.swap.slot(entry).count).toBe(0);
    expect(k.stats.swapIns).toBe(1);
  });

  it('a write fault on the swapped-in page reuses it and releases the swap slot', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let entry = -1;
    let swappedIn: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* shrink_page(k, t, present(mm, vma.start).page);
      entry = swapPte(mm, vma.start).swp;
      yield* load(k, t, mm, vma.start);
      swappedIn = present(mm, vma.start).page;
      yield* store(k, t, mm, vma.start, 0x22, 0, 8);
    });
    const { pte, page } = present(mm, vma.start);
    expect(page).toBe(swappedIn);
    expect(pte.write).toBe(true);
    expect(page.swapcache).toBe(false);
    expect(page.refcount).toBe(1);
    expect(page.data.at(0)).toBe(0x22);
    expect(page.data.at(8)).toBe(0x11);
    expect(k.swap.slots.has(entry)).toBe(false);
    expect(k.stats.pageCopies).toBe(0);
  });

  it('a write fault straight on the swap pte maps the page writable at once', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let entry = -1;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* shrink_page(k, t, present(mm, vma.start).page);
      entry = swapPte(mm, vma.start).swp;
      yield* store(k, t, mm, vma.start, 0x22, 0, 8);
    });
    const { pte, page } = present(mm, vma.start);
    expect(pte.write).toBe(true);
    expect(page.data.at(0)).toBe(0x22);
    expect(page.data.at(8)).toBe(0x11);
    expect(page.refcount).toBe(1);
    expect(page.swapcache).toBe(false);
    expect(k.swap.slots.has(entry)).toBe(false);
  });

  it('a page GUP holds is unmapped but stays in the swap cache (result "swapcache")', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let held: Page | null = null;
    let result: ReclaimResult | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      held = yield* gupOne(k, t, mm, vma.start, FOLL_GET);
      result = yield* shrink_page(k, t, held);
    });
    const page = held! as Page;
    expect(result).toBe('swapcache');
    expect(page.freed).toBe(false);
    expect(page.mapcount).toBe(0);
    expect(page.swapcache).toBe(true);
    // The GUP reference and the swap cache's.
    expect(page.refcount).toBe(2);
    const pte = swapPte(mm, vma.start);
    expect(pte.swp).toBe(page.swapEntry);
    const slot = k.swap.slot(pte.swp);
    expect(slot.cache).toBe(page);
    expect(slot.count).toBe(1);
    expect(slot.data!.at(0)).toBe(0x11);
    expect(k.stats.swapOuts).toBe(0);
  });

  it('a fault on that swap pte maps the very page GUP holds, from the swap cache', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let held: Page | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      held = yield* gupOne(k, t, mm, vma.start, FOLL_GET);
      yield* shrink_page(k, t, held);
      yield* load(k, t, mm, vma.start);
    });
    expect(present(mm, vma.start).page).toBe(held);
    expect(k.stats.swapIns).toBe(0);
    expect(k.pages.size).toBe(1);
    gup_put_page(k, held! as Page, FOLL_GET);
    expect((held! as Page).refcount).toBe(2);
  });
});

describe('anon-exclusive: reclaim does not unmap a pinned exclusive page (reclaimMayUnmap)', () => {
  it('refuses a pinned exclusive page: it stays mapped, writable, with its data', () => {
    const k = kernelWith(anonExclusive);
    const { mm, vma } = newProcess(k);
    let pinned: Page | null = null;
    let result: ReclaimResult | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      pinned = yield* gupOne(k, t, mm, vma.start, FOLL_PIN);
      expect(pinned.anonExclusive).toBe(true);
      result = yield* shrink_page(k, t, pinned);
    });
    const page = pinned! as Page;
    expect(result).toBe('kept');
    const { pte, page: mapped } = present(mm, vma.start);
    expect(mapped).toBe(page);
    expect(pte.write).toBe(true);
    expect(page.mapcount).toBe(1);
    expect(page.anonExclusive).toBe(true);
    expect(page.maybeDmaPinned).toBe(true);
    expect(page.data.at(0)).toBe(0x11);
    expect(k.stats.swapOuts).toBe(0);
  });

  it('once unpinned, the same page is reclaimed', () => {
    const k = kernelWith(anonExclusive);
    const { mm, vma } = newProcess(k);
    let results: ReclaimResult[] = [];
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      const page = yield* gupOne(k, t, mm, vma.start, FOLL_PIN);
      const first = yield* shrink_page(k, t, page);
      gup_put_page(k, page, FOLL_PIN);
      const second = yield* shrink_page(k, t, page);
      results = [first, second];
    });
    expect(results).toEqual(['kept', 'freed']);
    expect(swapPte(mm, vma.start).swpExclusive).toBe(true);
    expect(k.pages.size).toBe(0);
  });

  it('the baseline unmaps the same pinned page, leaving it in the swap cache', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let result: ReclaimResult | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      const page = yield* gupOne(k, t, mm, vma.start, FOLL_PIN);
      result = yield* shrink_page(k, t, page);
    });
    expect(result).toBe('swapcache');
    swapPte(mm, vma.start);
  });
});

describe('swap-in from a disk (asynchronous) and from zram (SWP_SYNCHRONOUS_IO)', () => {
  /** P writes its page and reclaim swaps it out; returns the swap entry. */
  function* swappedOut(k: Kernel, t: Task, mm: MmStruct, vpn: number): KGen<number> {
    yield* store(k, t, mm, vpn, 0x11, 0, 100);
    expect(yield* shrink_page(k, t, present(mm, vpn).page)).toBe('freed');
    return swapPte(mm, vpn).swp;
  }

  it('disk: the read completes on a device context; the faulting thread finds the page locked, drops mmap_lock and retries (VM_FAULT_RETRY)', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let seen: number[] = [];
    runThread(k, function* (t) {
      yield* swappedOut(k, t, mm, vma.start);
      seen = yield* load(k, t, mm, vma.start);
    });
    expect(seen).toEqual([0, 100, 0x11, 100, PS, 0]);
    expect(k.sched.tasks.map((t) => t.name)).toContain('dev.swap1');
    expect(k.stats.faultRetries).toBe(1);
    expect(present(mm, vma.start).page.swapcache).toBe(true);
  });

  it('disk: read_swap_cache_async() returns the new page still locked, in the swap cache; end_swap_bio_read() fills and unlocks it', () => {
    const k = makeKernel();
    const { mm, vma } = newProcess(k);
    let page: Page | null = null;
    let lockedAtReturn = false;
    let dataAtReturn = -1;
    runThread(k, function* (t) {
      const entry = yield* swappedOut(k, t, mm, vma.start);
      page = yield* read_swap_cache_async(k, t, entry, true, 'test', '');
      lockedAtReturn = page!.lock.owner !== null;
      dataAtReturn = page!.data.at(0);
    });
    expect(lockedAtReturn).toBe(true);
    expect(dataAtReturn).toBe(0); // not read yet
    expect(page!.lock.owner).toBeNull();
    expect(page!.data.at(0)).toBe(0x11);
    expect(page!.swapcache).toBe(true);
  });

  it('zram: the read completes in the faulting thread: no device context, no retry; through the swap cache without skip-swapcache', () => {
    const k = makeKernel(undefined, { swapDevice: 'zram' });
    const { mm, vma } = newProcess(k);
    runThread(k, function* (t) {
      yield* swappedOut(k, t, mm, vma.start);
      yield* load(k, t, mm, vma.start);
    });
    expect(k.sched.tasks.some((t) => t.kernelThread)).toBe(false);
    expect(k.stats.faultRetries).toBe(0);
    expect(present(mm, vma.start).page.swapcache).toBe(true);
  });

  it('zram + skip-swapcache (4.15): a slot only this pte refers to is read into a page outside the swap cache, and the slot is freed', () => {
    const k = makeKernel(hooksOf(skipSwapcache), { swapDevice: 'zram' });
    const { mm, vma } = newProcess(k);
    let entry = -1;
    runThread(k, function* (t) {
      entry = yield* swappedOut(k, t, mm, vma.start);
      yield* load(k, t, mm, vma.start);
    });
    const { page } = present(mm, vma.start);
    expect(page.swapcache).toBe(false);
    expect(page.data.at(0)).toBe(0x11);
    expect(page.refcount).toBe(1);
    expect(k.swap.slots.has(entry)).toBe(false);
  });

  it('zram + skip-swapcache: a slot shared with a fork child (__swap_count 2) still goes through the swap cache', () => {
    const k = makeKernel(hooksOf(skipSwapcache), { swapDevice: 'zram' });
    const { mm, vma } = newProcess(k);
    runThread(k, function* (t) {
      yield* store(k, t, mm, vma.start, 0x11);
      yield* fork(k, t, mm);
      expect(yield* shrink_page(k, t, present(mm, vma.start).page)).toBe('freed');
      yield* load(k, t, mm, vma.start);
    });
    expect(present(mm, vma.start).page.swapcache).toBe(true);
  });

  it('skip-swapcache does nothing on a disk', () => {
    const k = makeKernel(hooksOf(skipSwapcache));
    const { mm, vma } = newProcess(k);
    runThread(k, function* (t) {
      yield* swappedOut(k, t, mm, vma.start);
      yield* load(k, t, mm, vma.start);
    });
    expect(present(mm, vma.start).page.swapcache).toBe(true);
  });
});
