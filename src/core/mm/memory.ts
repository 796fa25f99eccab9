/**
 * mm/memory.c: the page fault paths for anonymous memory, and zapping.
 * Scheduling points sit where other CPUs can see a difference: taking the PTL (between the lockless
 * pte read and the lock, the pte may change under us), copying a page (DMA may land before or after
 * the copy), and reading a page in from swap.
 */
import { KernelBug } from '../bug.js';
import type { FaultCtx } from '../hooks.js';
import type { Kernel } from '../Kernel.js';
import { mmPageAt, pageAt } from '../trace.js';
import { READ } from '../sched/Access.js';
import type { KGen, Task } from '../sched/Task.js';
import {
  FAULT_FLAG_KILLABLE,
  FAULT_FLAG_RETRY_NOWAIT,
  FAULT_FLAG_UNSHARE,
  FAULT_FLAG_WRITE,
  VM_FAULT_LOCKED,
  VM_FAULT_NOPAGE,
  VM_FAULT_RETRY,
  VM_FAULT_OOM,
  VM_FAULT_SIGBUS,
  VM_FAULT_WRITE,
  faultFlagNames,
} from './flags.js';
import type { MmStruct } from './MmStruct.js';
import { pageDataObject, type Page } from './Page.js';
import { PTE_MARKER, PTE_NONE, PTE_PRESENT, PTE_SWAP, type Pte } from './Pte.js';
import { page_add_anon_rmap, page_add_file_rmap, page_add_new_anon_rmap, page_remove_rmap } from './rmap.js';
import { free_swap_and_cache, lookup_swap_cache, read_swap_cache_async, swap_free, swap_readpage, try_to_free_swap } from './swap.js';
import type { Vma } from './Vma.js';
import { FOLL_FORCE, FOLL_GET, FOLL_REMOTE } from './flags.js';
import { __get_user_pages, gup_put_page } from './gup.js';
import { VM_UFFD_MISSING, VM_UFFD_WP, handle_userfault } from '../uffd/userfaultfd.js';
import { shmem_fault, shmem_map_pages } from '../shmem/shmem.js';
import { vm_page_prot_write } from './mmap.js';
import { copy_user_highpage } from './highmem.js';

/** fault_around_bytes (64K) in pages. */
export const FAULT_AROUND_PAGES = 16;

/** userfaultfd_missing(): a fault on a none pte goes to userspace. */
function userfaultfd_missing(vma: Vma): boolean {
  return vma.uffdCtx !== null && (vma.uffdFlags & VM_UFFD_MISSING) !== 0;
}

/** userfaultfd_wp(): the VMA is registered in wp mode. */
export function userfaultfd_wp(vma: Vma): boolean {
  return vma.uffdCtx !== null && (vma.uffdFlags & VM_UFFD_WP) !== 0;
}

/** userfaultfd_pte_wp(): a write to this pte goes to userspace first. */
function userfaultfd_pte_wp(vma: Vma, pte: Pte): boolean {
  return vma.uffdCtx !== null && (vma.uffdFlags & VM_UFFD_WP) !== 0 && pte.uffdWp;
}

/** handle_mm_fault(): called with mmap_lock held for read; returns VM_FAULT_* bits. */
export function* handle_mm_fault(k: Kernel, t: Task, vma: Vma, vpn: number, flags: number): KGen<number> {
  k.stats.faults++;
  const pte = vma.mm.pte(vpn);
  const f: FaultCtx = { t, vma, vpn, pte, flags };
  k.tracing && k.log(t, 'handle_mm_fault', `${pageAt(k, vma, vpn)} ${faultFlagNames(flags)} (pte ${pte.describe()})`);
  return yield* handle_pte_fault(k, f);
}

function* handle_pte_fault(k: Kernel, f: FaultCtx): KGen<number> {
  const pte = f.pte;
  const orig = pte.seq;
  switch (pte.kind) {
    case PTE_NONE:
      if (f.vma.anonymous) return yield* do_anonymous_page(k, f);
      return yield* do_fault(k, f);
    case PTE_SWAP:
      return yield* do_swap_page(k, f, orig);
    case PTE_PRESENT:
      break;
    case PTE_MARKER:
      return yield* handle_pte_marker(k, f, orig);
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

/**
 * handle_pte_marker() -> pte_marker_handle_uffd_wp(): a marker left where a VMA is no longer
 * wp-registered is stale and is cleared lazily; otherwise do_fault() treats it as a none pte and
 * do_set_pte() turns its bit into a write-protected pte.
 */
function* handle_pte_marker(k: Kernel, f: FaultCtx, orig: number): KGen<number> {
  if (!userfaultfd_wp(f.vma) || f.vma.anonymous) {
    const mm = f.vma.mm;
    yield* mm.ptl.lock(f.t);
    if (f.pte.seq === orig) f.pte.clear();
    mm.ptl.unlock(f.t);
    k.tracing && k.log(f.t, 'pte_marker_clear', pageAt(k, f.vma, f.vpn));
    return 0;
  }
  return yield* do_fault(k, f);
}

/** do_fault(): a none (or marker) pte of a file VMA. Only shared shmem mappings are modelled. */
function* do_fault(k: Kernel, f: FaultCtx): KGen<number> {
  if (f.vma.file === null || !f.vma.shared) return VM_FAULT_SIGBUS;
  if (!(f.flags & FAULT_FLAG_WRITE)) return yield* do_read_fault(k, f);
  return yield* do_shared_fault(k, f);
}

/**
 * do_read_fault(): ->map_pages first (do_fault_around), ->fault as the fallback. Fault-around maps
 * the neighbours without asking userfaultfd (seed 001: "mm: Don't fault around userfaultfd-registered
 * regions on reads"); should_fault_around() is the decision.
 */
function* do_read_fault(k: Kernel, f: FaultCtx): KGen<number> {
  if (k.hooks.shouldFaultAround(k, f.vma)) {
    const ret = yield* do_fault_around(k, f);
    if (ret) return ret;
  }
  k.stats.readFaults++;
  const r = yield* shmem_fault(k, f);
  if (!(r.ret & VM_FAULT_LOCKED)) return r.ret;
  const page = r.page!;
  const ret = yield* finish_fault(k, f, page, false);
  page.lock.unlock(f.t);
  k.put_page(page);
  return ret;
}

/** do_shared_fault(): ->fault, then map the page writable (shmem has no ->page_mkwrite). */
function* do_shared_fault(k: Kernel, f: FaultCtx): KGen<number> {
  const r = yield* shmem_fault(k, f);
  if (!(r.ret & VM_FAULT_LOCKED)) return r.ret;
  const page = r.page!;
  page.dirty = true;
  const ret = yield* finish_fault(k, f, page, true);
  page.lock.unlock(f.t);
  k.put_page(page);
  return ret;
}

/**
 * do_fault_around(): the fault_around_bytes-aligned window around the address, clipped to the VMA,
 * mapped by ->map_pages under the PTL. VM_FAULT_NOPAGE when the faulting page itself got mapped.
 */
function* do_fault_around(k: Kernel, f: FaultCtx): KGen<number> {
  const vma = f.vma;
  const start = Math.max(vma.start, f.vpn - (f.vpn % FAULT_AROUND_PAGES));
  const end = Math.min(vma.end, start + FAULT_AROUND_PAGES);
  const mm = vma.mm;
  // vmf->orig_pte: nothing has yielded since handle_pte_fault() read the faulting pte.
  const origMarkerWp = f.pte.kind === PTE_MARKER && f.pte.uffdWp;
  yield* mm.ptl.lock(f.t);
  const mapped = shmem_map_pages(k, f, start, end, (vpn, page) => do_set_pte(k, f, mm.pte(vpn), vpn, page, false, false, origMarkerWp));
  mm.ptl.unlock(f.t);
  if (mapped) k.tracing && k.log(f.t, 'do_fault_around', `${pageAt(k, vma, f.vpn)} mapped by fault-around`);
  return mapped ? VM_FAULT_NOPAGE : 0;
}

/**
 * do_set_pte(): map a page-cache page. A shared writable shmem mapping has no write-notify (unless
 * uffd-wp asks for it: vma_wants_writenotify, 6.2), so even a read maps it writable. The uffd-wp
 * bit comes from the faulting pte's marker, "pte_marker_uffd_wp(vmf->orig_pte)" (5.19): for
 * fault-around that is the marker of the address that faulted, applied to every neighbour mapped,
 * whatever the neighbour's own pte was (none: ->map_pages maps only none ptes); or from the
 * strategy's own record (vma-bitmap), looked up only for a page that came through ->fault
 * (`viaFault`): Andrea's bitmap is "checked during the shmem_fault()", and fault-around
 * (->map_pages) never calls it. Called with the PTL held.
 */
function do_set_pte(k: Kernel, f: FaultCtx, pte: Pte, vpn: number, page: Page, write: boolean, viaFault: boolean, origMarkerWp: boolean): void {
  const vma = f.vma;
  const uffdWp = userfaultfd_wp(vma) && (origMarkerWp || (viaFault && k.hooks.uffdWpFileFault(k, vma, vpn)));
  k.get_page(page);
  page_add_file_rmap(page, vma.mm, vpn);
  // mk_pte(page, vma->vm_page_prot), then maybe_mkwrite() for a write fault.
  pte.setPresent(page, (write ? vma.write : vm_page_prot_write(k, vma)) && !uffdWp, write);
  pte.uffdWp = uffdWp;
  k.tracing && k.log(f.t, 'do_set_pte', `${pageAt(k, vma, vpn)}: ${page} ${pte.write ? 'rw' : 'ro'}${uffdWp ? ' uffd-wp' : ''}`);
}

/** finish_fault(): install the page unless someone else mapped the address meanwhile. */
function* finish_fault(k: Kernel, f: FaultCtx, page: Page, write: boolean): KGen<number> {
  const mm = f.vma.mm;
  yield* mm.ptl.lock(f.t);
  const pte = f.pte;
  // !vmf_pte_changed(): the pte is still what the fault found, so its marker is vmf->orig_pte's.
  if (pte.kind === PTE_NONE || pte.kind === PTE_MARKER) do_set_pte(k, f, pte, f.vpn, page, write, true, pte.kind === PTE_MARKER && pte.uffdWp);
  mm.ptl.unlock(f.t);
  return 0;
}

/** do_anonymous_page(): first touch of an anonymous page. A read maps the shared zero page. */
function* do_anonymous_page(k: Kernel, f: FaultCtx): KGen<number> {
  const mm = f.vma.mm;
  const pte = f.pte;
  if (!(f.flags & FAULT_FLAG_WRITE)) {
    yield* mm.ptl.lock(f.t);
    if (pte.kind === PTE_NONE && userfaultfd_missing(f.vma)) {
      // Deliver the page fault to userland; checked inside the PTL.
      mm.ptl.unlock(f.t);
      return yield* handle_userfault(k, f, VM_UFFD_MISSING);
    }
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
  if (userfaultfd_missing(f.vma)) {
    mm.ptl.unlock(f.t);
    k.put_page(page);
    return yield* handle_userfault(k, f, VM_UFFD_MISSING);
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
  if (!unshare && userfaultfd_pte_wp(f.vma, pte)) {
    mm.ptl.unlock(f.t);
    return yield* handle_userfault(k, f, VM_UFFD_WP);
  }
  if (f.vma.shared) {
    // wp_page_shared(): a shared page is written in place.
    pte.write = true;
    pte.dirty = true;
    pte.young = true;
    pte.seq++;
    mm.ptl.unlock(f.t);
    return VM_FAULT_WRITE;
  }
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
 * page may land before, after or in the middle of the copy: copy_user_highpage() is not atomic),
 * then install it if the pte did not change meanwhile.
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
  if (!old.zero) yield* copy_user_highpage(k, page, old);
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
 * do_swap_page(): fault on a swap pte. Finds the page in the swap cache or starts reading it in
 * (swapin_readahead(), or on a SWP_SYNCHRONOUS_IO device a read outside the swap cache), locks it
 * with lock_page_or_retry() (a page still under I/O makes the fault drop mmap_lock and return
 * VM_FAULT_RETRY), maps it, and on a write fault either maps it writable at once (the swapinReuse
 * hook) or falls into do_wp_page().
 */
function* do_swap_page(k: Kernel, f: FaultCtx, orig: number): KGen<number> {
  const mm = f.vma.mm;
  const pte = f.pte;
  const entry = pte.swp;
  const swpExclusive = pte.swpExclusive;
  const swpUffdWp = pte.uffdWp;
  let page = lookup_swap_cache(k, entry);
  let swapcache = true;
  if (page === null) {
    if (k.swap.synchronousIo && k.hooks.swapinSkipSwapcache(k) && k.swap.slot(entry).count === 1) {
      // "skip swapcache": __swap_count(entry) == 1, so nobody else can look this slot up.
      page = k.alloc_page();
      if (page === null) return VM_FAULT_OOM;
      page.lock.trylock(f.t); // __folio_set_locked()
      page.anon = true;
      swapcache = false;
      k.stats.swapIns++;
      k.tracing && k.log(f.t, 'do_swap_page', `SWP_SYNCHRONOUS_IO: read swap ${entry} into ${page}, skipping the swap cache`);
      yield* swap_readpage(k, f.t, page, entry, 'do_swap_page');
    } else {
      page = yield* read_swap_cache_async(k, f.t, entry, true, 'do_swap_page', '');
      if (page === null) return VM_FAULT_OOM;
    }
  }
  if (!(yield* lock_page_or_retry(k, f, page))) {
    k.put_page(page);
    return VM_FAULT_RETRY;
  }
  // try_to_free_swap() or reuse may have dropped the page from the swap cache meanwhile.
  if (swapcache && (!page.swapcache || page.swapEntry !== entry)) {
    page.lock.unlock(f.t);
    k.put_page(page);
    return 0;
  }
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
  // pte_swp_uffd_wp(): the write-protect bit survives swap; the page comes back write-protected.
  const uffdWp = swpUffdWp && (f.vma.uffdFlags & VM_UFFD_WP) !== 0;
  // The lookup's (or the allocation's) reference becomes the pte's.
  page_add_anon_rmap(page, mm, f.vpn, reuse);
  pte.setPresent(page, write && !uffdWp, write);
  pte.uffdWp = uffdWp;
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
 * lock_page_or_retry() (__folio_lock_or_retry()): take the page lock, or, if it is held (the page is
 * under I/O) and this attempt may retry (faultAllowRetryFirst: ALLOW_RETRY before 5.7, only the first
 * attempt since 4064b9827063), drop mmap_lock, wait for the page and return false: VM_FAULT_RETRY.
 * With RETRY_NOWAIT, return false keeping mmap_lock. Otherwise sleep on the lock, killably with
 * FAULT_FLAG_KILLABLE (a fatal signal drops mmap_lock and returns false).
 */
function* lock_page_or_retry(k: Kernel, f: FaultCtx, page: Page): KGen<boolean> {
  if (page.lock.trylock(f.t)) return true;
  const killable = (f.flags & FAULT_FLAG_KILLABLE) !== 0;
  if (k.hooks.faultAllowRetryFirst(k, f.flags)) {
    if (f.flags & FAULT_FLAG_RETRY_NOWAIT) return false;
    f.vma.mm.mmap_lock.up_read(f.t);
    k.tracing && k.log(f.t, 'lock_page_or_retry', `${page} locked: drop mmap_lock, wait, VM_FAULT_RETRY`);
    yield* page.lock.waitUnlocked(f.t, killable); // wait_on_page_locked(_killable)()
    return false;
  }
  if (!(yield* page.lock.lock(f.t, killable))) {
    f.vma.mm.mmap_lock.up_read(f.t);
    return false;
  }
  return true;
}

/**
 * zap_pte_range(): unmap [start, end) of a VMA (munmap, MADV_DONTNEED, exit, unmap_mapping_range).
 * `dropMarkers` is ZAP_FLAG_DROP_MARKER (munmap and exit); other zaps of a file VMA may leave a
 * uffd-wp marker where a wp'd pte was (zap_install_uffd_wp_if_needed). Called with the PTL held.
 */
export function zap_pte_range(k: Kernel, t: Task, mm: MmStruct, start: number, end: number, dropMarkers = true): void {
  let flushed = false;
  for (let vpn = start; vpn < end; vpn++) {
    const pte = mm.pt.get(vpn);
    if (pte === undefined || pte.kind === PTE_NONE) continue;
    if (pte.kind === PTE_MARKER) {
      if (dropMarkers) pte.clear();
      continue;
    }
    const vma = dropMarkers ? null : mm.find_vma(vpn);
    const keepWp = vma !== null && !vma.anonymous && pte.uffdWp && userfaultfd_wp(vma) && k.hooks.uffdWpZapMarker(k, vma, pte);
    zap_one(k, mm, pte);
    if (keepWp) pte_install_uffd_wp_marker(k, pte);
    flushed = true;
  }
  if (flushed) k.stats.tlbFlushes++;
  void t;
}

/** make_pte_marker(PTE_MARKER_UFFD_WP): a swap-type entry with no pfn that keeps the uffd-wp bit. */
export function pte_install_uffd_wp_marker(k: Kernel, pte: Pte): void {
  pte.clear();
  pte.kind = PTE_MARKER;
  pte.uffdWp = true;
  k.stats.pteMarkers++;
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

/**
 * access_remote_vm() (ptrace PEEKDATA, /proc/pid/mem): get_user_pages_remote() with no `locked`,
 * one page at a time under the target's mmap_lock, so a userfault cannot drop it. Returns the bytes
 * read, which stop at the first page GUP could not get.
 */
export function* access_remote_vm(k: Kernel, t: Task, mm: MmStruct, addr: number, len: number, out: import('./PageData.js').Runs): KGen<number> {
  const ps = k.pageSize;
  if (!(yield* mm.mmap_lock.down_read(t, true))) return 0;
  let done = 0;
  while (done < len) {
    const a = addr + done;
    const vpn = Math.floor(a / ps);
    const off = a - vpn * ps;
    const n = Math.min(len - done, ps - off);
    const pages: Page[] = [];
    k.stats.gupCalls++;
    const err = yield* __get_user_pages(k, t, mm, vpn, 1, FOLL_GET | FOLL_FORCE | FOLL_REMOTE, pages, null);
    if (err !== null || pages.length !== 1) {
      for (const p of pages) gup_put_page(k, p, FOLL_GET);
      k.tracing && k.log(t, 'access_remote_vm', `${mmPageAt(k, mm, vpn)}: ${err ?? 'no page'}`);
      break;
    }
    const page = pages[0]!;
    yield page.obj * 4 + READ;
    page.data.read(off, off + n, out, done);
    gup_put_page(k, page, FOLL_GET);
    done += n;
  }
  mm.mmap_lock.up_read(t);
  return done;
}
