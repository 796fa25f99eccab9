import { describe, expect, it } from 'vitest';
import { check_model } from '../../../src/core/mm/debug_vm.js';
import { PTE_SWAP } from '../../../src/core/mm/Pte.js';
import { fork, makeKernel, newProcess, present, runThread, store } from '../helpers.js';

/** A parent and a forked child sharing one anonymous page: a consistent model to break. */
function shared() {
  const k = makeKernel();
  const { mm, vma } = newProcess(k);
  let child = mm;
  runThread(k, function* (t) {
    yield* store(k, t, mm, vma.start, 0x11);
    child = yield* fork(k, t, mm);
  });
  return { k, mm, child, vpn: vma.start, page: present(mm, vma.start).page };
}

describe('CONFIG_DEBUG_VM: check_model over pages, ptes, rmap and swap counts', () => {
  it('finds nothing wrong with a consistent model', () => {
    expect(check_model(shared().k)).toBeNull();
  });

  it('refcount below mapcount', () => {
    const { k, page } = shared();
    page.refcount = 1;
    expect(check_model(k)).toBe(`${page} refcount 1 below mapcount 2`);
  });

  it('a pte that maps a freed page', () => {
    const { k, mm, vpn, page } = shared();
    page.freed = true;
    expect(check_model(k)).toBe(`P pte ${vpn} maps freed ${page}`);
    void mm;
  });

  it('mapcount that disagrees with the ptes that map the page', () => {
    const { k, page } = shared();
    page.mapcount = 3;
    page.refcount = 3;
    expect(check_model(k)).toBe(`${page} mapcount 3 but 2 pte(s) map it`);
  });

  it('an rmap entry whose pte no longer maps the page', () => {
    const { k, child, vpn, page } = shared();
    child.pt.get(vpn)!.clear();
    expect(check_model(k)).toBe(`${page} rmap names C pte ${vpn}, which does not map it`);
  });

  it('an rmap that does not name a pte mapping the page', () => {
    const { k, child, vpn, page } = shared();
    page.rmap.splice(page.rmap.findIndex((r) => r.mm === child), 1);
    expect(check_model(k)).toBe(`${page} is mapped by C pte ${vpn} but its rmap does not say so`);
  });

  it('a PageAnonExclusive page mapped twice', () => {
    const { k, page } = shared();
    page.anonExclusive = true;
    expect(check_model(k)).toBe(`${page} is PageAnonExclusive but mapped 2 times`);
  });

  it('a swap count that disagrees with the swap ptes', () => {
    const { k, mm, vpn } = shared();
    const e = k.swap.alloc();
    const pte = mm.pt.get(vpn)!;
    const page = pte.page!;
    // Unmap P's pte into a swap entry without counting it in the slot.
    page.rmap.splice(page.rmap.findIndex((r) => r.mm === mm), 1);
    page.mapcount--;
    page.refcount--;
    pte.setSwap(e, false);
    expect(pte.kind).toBe(PTE_SWAP);
    expect(check_model(k)).toBe(`swap slot ${e} count 0 but 1 swap pte(s) refer to it`);
  });
});
