/**
 * mm/vmscan.c and mm/rmap.c: reclaim of one anonymous page, as shrink_page_list() does it: add it to
 * the swap cache, try_to_unmap() every pte (each becomes a swap entry), write it out, and free it
 * if nothing else holds it. A page that GUP holds stays in the swap cache, unmapped: the situation
 * of Andrea's 2009 caveat on fix A.
 */
import type { Kernel } from '../Kernel.js';
import { mmPageAt } from '../trace.js';
import { WRITE } from '../sched/Access.js';
import type { KGen, Task } from '../sched/Task.js';
import type { Page } from './Page.js';
import { PTE_PRESENT } from './Pte.js';
import { page_remove_rmap } from './rmap.js';
import { zap_pte_range } from './memory.js';
import { shmem_writepage } from '../shmem/shmem.js';
import { add_to_swap, delete_from_swap_cache, swap_duplicate } from './swap.js';

export type ReclaimResult = 'freed' | 'swapcache' | 'kept' | 'busy';

export function* shrink_page(k: Kernel, t: Task, page: Page): KGen<ReclaimResult> {
  if (!page.zero && !page.freed && page.mapping !== null) return yield* shrink_shmem_page(k, t, page);
  if (page.zero || page.freed || !page.anon) return 'kept';
  k.get_page(page); // isolate_lru_page()
  try {
    if (!page.lock.trylock(t)) return 'busy';
    try {
      if (!page.swapcache) {
        if (!k.hooks.reclaimMayAddToSwap(k, page)) return 'kept';
        add_to_swap(k, page);
      }
      if (page.mapcount > 0 && !(yield* try_to_unmap(k, t, page))) return 'kept';
      if (page.dirty) {
        yield page.obj * 4 + WRITE; // pageout(): write to swap
        k.ioDone(t, true);
        k.swap.slot(page.swapEntry).data = page.data.clone();
        page.dirty = false;
      }
      // __remove_mapping(): only the swap cache and our isolation reference may remain.
      if (page.refcount === 2 && page.mapcount === 0) {
        k.stats.swapOuts++;
        k.tracing && k.log(t, 'shrink_page_list', `${page} written to swap ${page.swapEntry} and freed`);
        delete_from_swap_cache(k, page);
        return 'freed';
      }
      k.tracing && k.log(t, 'shrink_page_list', `${page} unmapped but held (refcount ${page.refcount}): stays in swap cache`);
      return 'swapcache';
    } finally {
      if (!page.freed) page.lock.unlock(t);
      else page.lock.owner = null;
    }
  } finally {
    if (!page.freed) k.put_page(page);
  }
}

/**
 * shrink_page_list() for a shmem page: try_to_unmap() every pte (they become none, or uffd-wp
 * markers where the strategy keeps them: the zap by reclaim of seed 001), then shmem_writepage().
 */
function* shrink_shmem_page(k: Kernel, t: Task, page: Page): KGen<ReclaimResult> {
  k.get_page(page);
  try {
    if (!page.lock.trylock(t)) return 'busy';
    try {
      for (const r of [...page.rmap]) {
        const mm = r.mm;
        yield* mm.ptl.lock(t);
        const pte = mm.pt.get(r.vpn);
        if (pte !== undefined && pte.kind === PTE_PRESENT && pte.page === page) {
          zap_pte_range(k, t, mm, r.vpn, r.vpn + 1, false);
          k.tracing && k.log(t, 'try_to_unmap_one', `${mm.name} ${mmPageAt(k, mm, r.vpn)}: ${page} unmapped (pte ${pte.describe()})`);
        }
        mm.ptl.unlock(t);
      }
      if (page.mapcount > 0 || page.refcount !== 2) return 'kept';
      yield* shmem_writepage(k, t, page);
      if (page.refcount === 2) {
        k.stats.swapOuts++;
        delete_from_swap_cache(k, page);
        return 'freed';
      }
      return 'swapcache';
    } finally {
      if (!page.freed) page.lock.unlock(t);
      else page.lock.owner = null;
    }
  } finally {
    if (!page.freed) k.put_page(page);
  }
}

/** try_to_unmap(): replace every pte mapping the page with a swap entry. */
function* try_to_unmap(k: Kernel, t: Task, page: Page): KGen<boolean> {
  for (const r of [...page.rmap]) {
    const mm = r.mm;
    yield* mm.ptl.lock(t);
    const pte = mm.pt.get(r.vpn);
    if (pte === undefined || pte.kind !== PTE_PRESENT || pte.page !== page) {
      mm.ptl.unlock(t);
      continue;
    }
    if (!k.hooks.reclaimMayUnmap(k, page)) {
      k.tracing && k.log(t, 'try_to_unmap_one', `${page} may be pinned: keep it mapped`);
      mm.ptl.unlock(t);
      return false;
    }
    if (pte.dirty) page.dirty = true;
    const exclusive = page.anonExclusive;
    swap_duplicate(k, page.swapEntry);
    const wp = pte.uffdWp;
    pte.setSwap(page.swapEntry, exclusive);
    pte.uffdWp = wp;
    k.stats.tlbFlushes++;
    page_remove_rmap(k, page, mm, r.vpn);
    k.put_page(page);
    k.tracing && k.log(t, 'try_to_unmap_one', `${mm.name} ${mmPageAt(k, mm, r.vpn)}: ${page} -> swap ${page.swapEntry}`);
    mm.ptl.unlock(t);
  }
  return page.mapcount === 0;
}
