/**
 * mm/memory.c: the page fault paths for anonymous memory, and zapping.
 * Scheduling points sit where other CPUs can see a difference: taking the PTL (between the lockless
 * pte read and the lock, the pte may change under us), copying a page (DMA may land before or after
 * the copy), and reading a page in from swap.
 */
import { KernelBug } from '../bug.js';
import type { FaultCtx } from '../hooks.js';
import type { Kernel } from '../Kernel.js';
import { READ, WRITE } from '../sched/Access.js';
import type { KGen, Task } from '../sched/Task.js';
import {
  FAULT_FLAG_UNSHARE,
  FAULT_FLAG_WRITE,
  VM_FAULT_OOM,
  VM_FAULT_SIGBUS,
  VM_FAULT_WRITE,
  faultFlagNames,
} from './flags.js';
import type { MmStruct } from './MmStruct.js';
import type { Page } from './Page.js';
import { PTE_NONE, PTE_PRESENT, PTE_SWAP, type Pte } from './Pte.js';
import { page_add_anon_rmap, page_add_new_anon_rmap, page_remove_rmap } from './rmap.js';
import { add_to_swap_cache_fresh, free_swap_and_cache, lookup_swap_cache, swap_free, try_to_free_swap } from './swap.js';
import type { Vma } from './Vma.js';

/** handle_mm_fault(): called with mmap_lock held for read; returns VM_FAULT_* bits. */
export function* handle_mm_fault(k: Kernel, t: Task, vma: Vma, vpn: number, flags: number): KGen<number> {
  k.stats.faults++;
  const pte = vma.mm.pte(vpn);
  const f: FaultCtx = { t, vma, vpn, pte, flags };
  k.tracing && k.log(t, 'handle_mm_fault', `${vma.name}+${vpn - vma.start} ${faultFlagNames(flags)} (pte ${pte.describe()})`);
  return yield* handle_pte_fault(k, f);
}

function* handle_pte_fault(k: Kernel, f: FaultCtx): KGen<number> {
  const pte = f.pte;
  const orig = pte.seq;
  switch (pte.kind) {
    case PTE_NONE:
      if (f.vma.anonymous) return yield* do_anonymous_page(k, f);
      return VM_FAULT_SIGBUS;
    case PTE_SWAP:
      return yield* do_swap_page(k, f, orig);
    case PTE_PRESENT:
      break;
    default:
      return VM_FAULT_SIGBUS;
  }
  const mm = f.vma.mm;
  yield* mm.ptl.lock(f.t);
  if (pte.seq !== orig) {
    mm.ptl.unlock(f.t);
    return 0;
  }
  if (f.flags & (FAULT_FLAG_WRITE | FAULT_FLAG_UNSHARE)) {
    if (!pte.write) return yield* do_wp_page(k, f);
    if (f.flags & FAULT_FLAG_WRITE) pte.dirty = true;
  }
  pte.young = true;
  mm.ptl.unlock(f.t);
  return 0;
}

/** do_anonymous_page(): first touch of an anonymous page. A read maps the shared zero page. */
function* do_anonymous_page(k: Kernel, f: FaultCtx): KGen<number> {
  const mm = f.vma.mm;
  const pte = f.pte;
  if (!(f.flags & FAULT_FLAG_WRITE)) {
    yield* mm.ptl.lock(f.t);
    if (pte.kind === PTE_NONE) {
      pte.setPresent(k.zeroPage, false, false);
      k.tracing && k.log(f.t, 'do_anonymous_page', `map the zero page R/O`);
    }
    mm.ptl.unlock(f.t);
    return 0;
  }
  const page = k.alloc_page();
  if (page === null) return VM_FAULT_OOM;
  yield* mm.ptl.lock(f.t);
  if (pte.kind !== PTE_NONE) {
    mm.ptl.unlock(f.t);
    k.put_page(page);
    return 0;
  }
  page_add_new_anon_rmap(page, mm, f.vpn);
  pte.setPresent(page, f.vma.write, true);
  k.tracing && k.log(f.t, 'do_anonymous_page', `map new ${page} ${f.vma.write ? 'rw' : 'ro'}`);
  mm.ptl.unlock(f.t);
  return 0;
}

/**
 * do_wp_page(): write (or unshare) fault on a present, write-protected pte. Entered with the PTL
 * held; returns with it released. Whether an anonymous page is reused in place is the decision every
 * gup-cow strategy is about.
 */
export function* do_wp_page(k: Kernel, f: FaultCtx): KGen<number> {
  const mm = f.vma.mm;
  const pte = f.pte;
  const page = pte.page!;
  const unshare = (f.flags & FAULT_FLAG_UNSHARE) !== 0 && (f.flags & FAULT_FLAG_WRITE) === 0;
  if (!page.zero && page.anon) {
    if (!page.lock.trylock(f.t)) {
      // The kernel pins the page, drops the PTL and sleeps on the page lock, then rechecks the pte.
      k.get_page(page);
      const orig = pte.seq;
      mm.ptl.unlock(f.t);
      yield* page.lock.lock(f.t);
      yield* mm.ptl.lock(f.t);
      k.put_page(page);
      if (pte.seq !== orig) {
        page.lock.unlock(f.t);
        mm.ptl.unlock(f.t);
        return 0;
      }
    }
    const reuse = k.hooks.wpReuse(k, page, f);
    page.lock.unlock(f.t);
    if (reuse) {
      if (unshare) {
        // FAULT_FLAG_UNSHARE on a page we may reuse: it is exclusive now; leave it R/O.
        page.anonExclusive = true;
        k.tracing && k.log(f.t, 'do_wp_page', `unshare: ${page} is exclusive, keep it R/O`);
        mm.ptl.unlock(f.t);
        return 0;
      }
      return wp_page_reuse(k, f, page);
    }
  }
  k.get_page(page);
  mm.ptl.unlock(f.t);
  return yield* wp_page_copy(k, f, page, unshare);
}

/** wp_page_reuse(): make the pte writable in place. */
function wp_page_reuse(k: Kernel, f: FaultCtx, page: Page): number {
  const pte = f.pte;
  pte.write = true;
  pte.dirty = true;
  pte.young = true;
  pte.seq++;
  page.anonExclusive = true;
  k.tracing && k.log(f.t, 'wp_page_reuse', `reuse ${page} (refcount ${page.refcount}, mapcount ${page.mapcount}${page.swapcache ? ', swapcache' : ''})`);
  f.vma.mm.ptl.unlock(f.t);
  return VM_FAULT_WRITE;
}

/**
 * wp_page_copy(): allocate a new page, copy the old one into it without the PTL (DMA into the old
 * page may land before or after the copy), then install it if the pte did not change meanwhile.
 * Entered holding a reference on old_page.
 */
function* wp_page_copy(k: Kernel, f: FaultCtx, old: Page, unshare: boolean): KGen<number> {
  const mm = f.vma.mm;
  const pte = f.pte;
  const orig = pte.seq;
  const page = k.alloc_page();
  if (page === null) {
    k.put_page(old);
    return VM_FAULT_OOM;
  }
  if (!old.zero) {
    yield old.obj * 4 + READ;
    page.data.copyFrom(old.data);
    k.stats.pageCopies++;
  }
  yield* mm.ptl.lock(f.t);
  let ret = 0;
  if (pte.seq === orig) {
    k.stats.tlbFlushes++;
    page_add_new_anon_rmap(page, mm, f.vpn);
    pte.setPresent(page, !unshare && f.vma.write, !unshare);
    k.tracing && k.log(f.t, 'wp_page_copy', `${old} -> ${page}${unshare ? ' (unshare, R/O)' : ''}`);
    if (!old.zero) {
      page_remove_rmap(k, old, mm, f.vpn);
      k.put_page(old); // the reference the old pte held
    }
    ret = unshare ? 0 : VM_FAULT_WRITE;
  } else {
    k.put_page(page);
  }
  mm.ptl.unlock(f.t);
  k.put_page(old); // the reference do_wp_page took
  return ret;
}

/**
 * do_swap_page(): fault on a swap pte. Finds the page in the swap cache or reads it in, maps it,
 * and on a write fault either maps it writable at once (the swapinReuse hook) or falls into
 * do_wp_page().
 */
function* do_swap_page(k: Kernel, f: FaultCtx, orig: number): KGen<number> {
  const mm = f.vma.mm;
  const pte = f.pte;
  const entry = pte.swp;
  const swpExclusive = pte.swpExclusive;
  let page = lookup_swap_cache(k, entry);
  if (page === null) {
    const fresh = k.alloc_page();
    if (fresh === null) return VM_FAULT_OOM;
    yield fresh.obj * 4 + WRITE; // swap_readpage()
    // Someone else may have read it in meanwhile (or the pte changed and the slot went away).
    if (pte.seq !== orig) {
      k.put_page(fresh);
      return 0;
    }
    page = lookup_swap_cache(k, entry);
    if (page === null) {
      add_to_swap_cache_fresh(k, fresh, entry);
      k.stats.swapIns++;
      page = fresh;
      k.tracing && k.log(f.t, 'do_swap_page', `read swap ${entry} into ${page}`);
    } else k.put_page(fresh);
  }
  yield* page.lock.lock(f.t);
  yield* mm.ptl.lock(f.t);
  if (pte.seq !== orig) {
    mm.ptl.unlock(f.t);
    page.lock.unlock(f.t);
    k.put_page(page);
    return 0;
  }
  let write = false;
  let ret = 0;
  let flags = f.flags;
  const reuse = k.hooks.swapinReuse(k, page, f, swpExclusive);
  if (reuse && (flags & FAULT_FLAG_WRITE)) {
    write = f.vma.write;
    flags &= ~FAULT_FLAG_WRITE;
    ret |= VM_FAULT_WRITE;
  }
  // The lookup's reference becomes the pte's.
  page_add_anon_rmap(page, mm, f.vpn, reuse);
  pte.setPresent(page, write, write);
  swap_free(k, entry);
  page.lock.unlock(f.t);
  k.tracing && k.log(f.t, 'do_swap_page', `map ${page} ${write ? 'rw (reuse)' : 'ro'} (refcount ${page.refcount}, mapcount ${page.mapcount}${page.swapcache ? ', swapcache' : ''})`);
  if (flags & FAULT_FLAG_WRITE) {
    return ret | (yield* do_wp_page(k, { ...f, flags }));
  }
  mm.ptl.unlock(f.t);
  return ret;
}

/**
 * zap_pte_range(): unmap [start, end) of a VMA (munmap, MADV_DONTNEED, exit). Called with the PTL
 * held.
 */
export function zap_pte_range(k: Kernel, t: Task, mm: MmStruct, start: number, end: number): void {
  let flushed = false;
  for (let vpn = start; vpn < end; vpn++) {
    const pte = mm.pt.get(vpn);
    if (pte === undefined) continue;
    zap_one(k, mm, pte);
    flushed = true;
  }
  if (flushed) k.stats.tlbFlushes++;
  void t;
}

export function zap_one(k: Kernel, mm: MmStruct, pte: Pte): void {
  if (pte.kind === PTE_PRESENT) {
    const page = pte.page!;
    if (!page.zero) {
      if (pte.dirty) page.dirty = true;
      page_remove_rmap(k, page, mm, pte.vpn);
      pte.clear();
      // free_pages_and_swap_cache() -> free_swap_cache(): an unmapped page no swap pte needs
      // leaves the swap cache with its last mapping.
      if (page.swapcache && page.mapcount === 0 && page.lock.owner === null) try_to_free_swap(k, page);
      k.put_page(page);
      return;
    }
  } else if (pte.kind === PTE_SWAP) {
    free_swap_and_cache(k, pte.swp);
  }
  if (pte.kind !== PTE_NONE) pte.clear();
}

export function assertPteSane(pte: Pte): void {
  if (pte.kind === PTE_PRESENT && (pte.page === null || pte.page.freed)) throw new KernelBug(`pte maps freed page`);
}
