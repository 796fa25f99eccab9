import type { Kernel } from '../Kernel.js';
import type { MmStruct } from './MmStruct.js';
import type { Page } from './Page.js';
import { PTE_PRESENT, PTE_SWAP } from './Pte.js';
import { shmem_files } from '../shmem/shmem.js';

/**
 * CONFIG_DEBUG_VM for the model: the consistency of struct page, the page tables, the reverse map
 * and the swap counts, checked over the whole machine. The kernel spreads these over
 * VM_BUG_ON_PAGE()s in the paths that change them (mm/debug.c dumps the page); the model checks them
 * all between steps (`--check-model`), where no path is half-way through a change the others can
 * see: every update of a pte, its page's mapcount and rmap, and the swap count happens within one
 * step. Returns the first inconsistency, or null.
 */
export function check_model(k: Kernel): string | null {
  // Cheap enough to run after every step: no allocation unless swap is in use, and the rmap is
  // checked from both sides (each present pte is in its page's rmap, each rmap entry is such a pte,
  // no entry twice), which makes mapcount == rmap length the same as "== the ptes that map it".
  const swapRefs = k.swap.slots.size > 0 ? new Map<number, number>() : null;
  for (const mm of k.mms) {
    for (const pte of mm.pt.values()) {
      if (pte.kind === PTE_PRESENT) {
        const page = pte.page;
        if (page === null) return `${mm.name} pte ${pte.vpn} is present without a page`;
        if (page.zero) continue;
        if (page.freed || !k.pages.has(page)) return `${mm.name} pte ${pte.vpn} maps freed ${page}`;
        if (!inRmap(page, mm, pte.vpn)) return `${page} is mapped by ${mm.name} pte ${pte.vpn} but its rmap does not say so`;
      } else if (pte.kind === PTE_SWAP) {
        if (swapRefs === null || !k.swap.slots.has(pte.swp)) return `${mm.name} pte ${pte.vpn} refers to free swap slot ${pte.swp}`;
        swapRefs.set(pte.swp, (swapRefs.get(pte.swp) ?? 0) + 1);
      }
    }
  }
  if (swapRefs !== null) {
    // A swapped shmem page: the file's xarray holds the swap entry (swap_shmem_alloc()).
    for (const file of shmem_files(k).values()) for (const e of file.swapped.values()) swapRefs.set(e, (swapRefs.get(e) ?? 0) + 1);
  }
  for (const page of k.pages) {
    if (page.freed) return `freed ${page} is still allocated`;
    if (page.refcount < page.mapcount) return `${page} refcount ${page.refcount} below mapcount ${page.mapcount}`;
    if (page.refcount <= 0) return `${page} is allocated with refcount ${page.refcount}`;
    const rmap = page.rmap;
    for (let i = 0; i < rmap.length; i++) {
      const r = rmap[i]!;
      const pte = r.mm.pt.get(r.vpn);
      if (pte === undefined || pte.kind !== PTE_PRESENT || pte.page !== page) return `${page} rmap names ${r.mm.name} pte ${r.vpn}, which does not map it`;
      for (let j = 0; j < i; j++) if (rmap[j]!.mm === r.mm && rmap[j]!.vpn === r.vpn) return `${page} rmap names ${r.mm.name} pte ${r.vpn} twice`;
    }
    if (page.mapcount !== rmap.length) return `${page} mapcount ${page.mapcount} but ${rmap.length} pte(s) map it`;
    if (page.anonExclusive && page.mapcount > 1) return `${page} is PageAnonExclusive but mapped ${page.mapcount} times`;
    if (page.swapcache) {
      const s = k.swap.slots.get(page.swapEntry);
      if (s === undefined || s.cache !== page) return `${page} is in the swap cache under slot ${page.swapEntry}, which does not cache it`;
    }
  }
  if (swapRefs !== null) {
    for (const [e, s] of k.swap.slots) {
      const n = swapRefs.get(e) ?? 0;
      if (s.count !== n) return `swap slot ${e} count ${s.count} but ${n} swap pte(s) refer to it`;
      if (s.cache !== null && (s.cache.freed || !s.cache.swapcache || s.cache.swapEntry !== e)) return `swap slot ${e} caches ${s.cache}, which is not in the swap cache under it`;
    }
  }
  return null;
}

function inRmap(page: Page, mm: MmStruct, vpn: number): boolean {
  for (const r of page.rmap) if (r.mm === mm && r.vpn === vpn) return true;
  return false;
}
