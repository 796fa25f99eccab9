/** mm/madvise.c: MADV_DONTNEED (zap now) and MADV_PAGEOUT (reclaim pages only this mm maps). */
import type { Kernel } from '../Kernel.js';
import type { KGen, Task } from '../sched/Task.js';
import { zap_pte_range } from './memory.js';
import type { MmStruct } from './MmStruct.js';
import type { Page } from './Page.js';
import { PTE_PRESENT } from './Pte.js';
import { shrink_page } from './vmscan.js';

export function* madvise_dontneed(k: Kernel, t: Task, mm: MmStruct, start: number, end: number): KGen<void> {
  yield* mm.mmap_lock.down_read(t);
  yield* mm.ptl.lock(t);
  // zap_page_range() passes no zap_details: uffd-wp markers may stay (not ZAP_FLAG_DROP_MARKER).
  zap_pte_range(k, t, mm, start, end, false);
  mm.ptl.unlock(t);
  mm.mmap_lock.up_read(t);
}

/**
 * Collect the anonymous pages mapped in [start, end). MADV_PAGEOUT skips pages other mms map too
 * (madvise_cold_or_pageout_pte_range: page_mapcount() != 1); reclaim proper does not.
 */
function* mapped_pages(t: Task, mm: MmStruct, start: number, end: number, onlyPrivate: boolean): KGen<Page[]> {
  const pages: Page[] = [];
  yield* mm.mmap_lock.down_read(t);
  yield* mm.ptl.lock(t);
  for (let vpn = start; vpn < end; vpn++) {
    const pte = mm.pt.get(vpn);
    if (pte && pte.kind === PTE_PRESENT && !pte.page!.zero && (pte.page!.anon || pte.page!.mapping !== null)) {
      if (onlyPrivate && pte.page!.mapcount !== 1) continue;
      pages.push(pte.page!);
    }
  }
  mm.ptl.unlock(t);
  mm.mmap_lock.up_read(t);
  return pages;
}

/** MADV_PAGEOUT, or (global = true) reclaim choosing these pages now. */
export function* reclaim_range(k: Kernel, t: Task, mm: MmStruct, start: number, end: number, global: boolean): KGen<void> {
  const pages = yield* mapped_pages(t, mm, start, end, !global);
  for (const p of pages) {
    if (!p.freed) yield* shrink_page(k, t, p);
  }
}
