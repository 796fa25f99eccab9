/**
 * mm/shmem.c: a shmem (tmpfs) file and its page cache, mapped shared by any number of processes.
 *
 *   shmem_fault()           ->fault: find the page in the page cache, read it back from swap, or fill
 *                           the hole; userfaultfd MISSING on a hole and MINOR on a cached page.
 *   shmem_map_pages()       ->map_pages (filemap_map_pages): read fault-around of cached neighbours.
 *   shmem_writepage()       reclaim: the page, unmapped from every mm, goes to swap; the file keeps
 *                           the swap entry in its xarray.
 *   shmem_fallocate()       PUNCH_HOLE: unmap_mapping_range() first, then truncate the page cache.
 *   shmem_mfill_atomic_pte() UFFDIO_COPY into a hole.
 *
 * The uffd-wp bit is per mm and per mapping (Andrea, seed 001): it can live in the pte, a pte marker,
 * or a per-VMA bitmap, never in the file, which every sharer sees.
 */
import { BUG_ON } from '../bug.js';
import type { FaultCtx } from '../hooks.js';
import type { Kernel } from '../Kernel.js';
import { fileAt } from '../trace.js';
import { VM_FAULT_LOCKED, VM_FAULT_OOM, VM_FAULT_RETRY } from '../mm/flags.js';
import { zap_pte_range } from '../mm/memory.js';
import type { MmStruct } from '../mm/MmStruct.js';
import type { Page } from '../mm/Page.js';
import { PTE_NONE, PTE_PRESENT } from '../mm/Pte.js';
import { delete_from_swap_cache, read_swap_cache_async, swap_free } from '../mm/swap.js';
import type { Vma } from '../mm/Vma.js';
import { WRITE } from '../sched/Access.js';
import { stableObject, type FootprintLog } from '../sched/Footprint.js';
import { TouchedMap } from '../sched/TouchedMap.js';
import type { KGen, Task } from '../sched/Task.js';
import { VM_UFFD_MINOR, VM_UFFD_MISSING, handle_userfault } from '../uffd/userfaultfd.js';

/** A shmem inode: its page cache (i_pages) and the swap entries the xarray keeps for swapped pages. */
export class ShmemFile {
  /**
   * Logged per index in the running step's footprint: the page cache is looked up without the
   * PTL (shmem_fault, fault-around, hole punch, reclaim) by tasks of different mms.
   */
  readonly pages: Map<number, Page>;
  readonly swapped: Map<number, number>;
  constructor(
    readonly name: string,
    sched: { readonly fp: FootprintLog | null } | null = null,
  ) {
    const h = nameHash(name) & 127;
    this.pages = new TouchedMap(() => sched?.fp ?? null, (i) => stableObject(7, h, i & 0x7fff));
    this.swapped = new TouchedMap(() => sched?.fp ?? null, (i) => stableObject(7, h, 0x8000 | (i & 0x7fff)));
  }
}

function nameHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) & 0xffff;
  return h;
}

const EXT = 'shmem';

/** The machine's shmem files by name (shmem_file_setup() on first use, as a tmpfs path would be). */
export function shmem_files(k: Kernel): Map<string, ShmemFile> {
  let m = k.ext.get(EXT) as Map<string, ShmemFile> | undefined;
  if (m === undefined) {
    m = new Map();
    k.ext.set(EXT, m);
  }
  return m;
}

export function shmem_file(k: Kernel, name: string): ShmemFile {
  const m = shmem_files(k);
  let f = m.get(name);
  if (f === undefined) {
    f = new ShmemFile(name, k.sched);
    m.set(name, f);
  }
  return f;
}

/** i_mmap: every VMA of every live mm that maps the file. */
export function file_mappings(k: Kernel, file: ShmemFile): Vma[] {
  const out: Vma[] = [];
  for (const mm of k.mms) if (!mm.dead) for (const v of mm.vmas) if (v.file === file) out.push(v);
  return out;
}

export function userfaultfd_missing(vma: Vma): boolean {
  return vma.uffdCtx !== null && (vma.uffdFlags & VM_UFFD_MISSING) !== 0;
}

export function userfaultfd_minor(vma: Vma): boolean {
  return vma.uffdCtx !== null && (vma.uffdFlags & VM_UFFD_MINOR) !== 0;
}

/** shmem_add_to_page_cache(): the new page joins the page cache, which takes a reference. */
export function shmem_add_to_page_cache(k: Kernel, file: ShmemFile, index: number, page: Page): void {
  BUG_ON(file.pages.has(index), `${file.name}: index ${index} already cached`);
  page.mapping = file;
  page.index = index;
  page.anon = false;
  file.pages.set(index, page);
  k.get_page(page);
}

/** delete_from_page_cache(): the page cache's reference goes; mappings must be gone already. */
export function shmem_delete_from_page_cache(k: Kernel, page: Page): void {
  const file = page.mapping!;
  BUG_ON(file.pages.get(page.index) !== page, `${page} not in ${file.name}'s page cache`);
  file.pages.delete(page.index);
  page.mapping = null;
  k.put_page(page);
}

/**
 * shmem_swapin(): read a swapped page back into the page cache (the swap cache first, as
 * shmem_swapin_page does, then replace the xarray's swap entry with the page).
 */
function* shmem_swapin(k: Kernel, t: Task, file: ShmemFile, index: number, entry: number): KGen<number> {
  const page = yield* read_swap_cache_async(k, t, entry, false, 'shmem_swapin', `${fileAt(k, file.name, index)}: `);
  if (page === null) return VM_FAULT_OOM;
  yield* page.lock.lock(t);
  if (file.swapped.get(index) === entry && page.swapcache && page.swapEntry === entry) {
    file.swapped.delete(index);
    shmem_add_to_page_cache(k, file, index, page);
    delete_from_swap_cache(k, page);
    swap_free(k, entry); // the xarray's reference on the slot
    page.dirty = true;
  }
  page.lock.unlock(t);
  k.put_page(page);
  return 0;
}

export interface ShmemFaultResult {
  /** VM_FAULT_* bits; with VM_FAULT_LOCKED, `page` is locked and referenced for the caller. */
  ret: number;
  page: Page | null;
}

/**
 * shmem_fault() -> shmem_getpage_gfp(SGP_CACHE). A cached page is returned locked, unless the VMA is
 * registered for minor faults in this mm, when userspace decides (UFFDIO_CONTINUE). A hole is filled
 * with a new zeroed page unless the VMA is registered for missing faults in this mm: the uffd context
 * belongs to one mm, so a sharer that did not register fills the hole normally (seed 001).
 */
export function* shmem_fault(k: Kernel, f: FaultCtx): KGen<ShmemFaultResult> {
  const vma = f.vma;
  const file = vma.file!;
  const index = vma.pgindex(f.vpn);
  for (;;) {
    const page = file.pages.get(index);
    if (page !== undefined) {
      if (userfaultfd_minor(vma)) return { ret: yield* handle_userfault(k, f, VM_UFFD_MINOR), page: null };
      k.get_page(page);
      yield* page.lock.lock(f.t);
      if (page.mapping !== file || page.index !== index) {
        // Truncated (hole punch) or swapped out while we slept on the lock: look again.
        page.lock.unlock(f.t);
        k.put_page(page);
        continue;
      }
      return { ret: VM_FAULT_LOCKED, page };
    }
    const entry = file.swapped.get(index);
    if (entry !== undefined) {
      const r = yield* shmem_swapin(k, f.t, file, index, entry);
      if (r !== 0) return { ret: r, page: null };
      continue;
    }
    if (userfaultfd_missing(vma)) return { ret: yield* handle_userfault(k, f, VM_UFFD_MISSING), page: null };
    const fresh = k.alloc_page();
    if (fresh === null) return { ret: VM_FAULT_OOM, page: null };
    // clear_highpage() and shmem_add_to_page_cache(): nobody can see the page before it is added.
    if (file.pages.has(index) || file.swapped.has(index)) {
      k.put_page(fresh);
      continue;
    }
    shmem_add_to_page_cache(k, file, index, fresh);
    fresh.dirty = true;
    fresh.lock.trylock(f.t);
    k.tracing && k.log(f.t, 'shmem_fault', `${fileAt(k, file.name, index)}: hole filled with ${fresh}`);
    // alloc's reference becomes the caller's.
    return { ret: VM_FAULT_LOCKED, page: fresh };
  }
}

/**
 * filemap_map_pages() for shmem: map the cached pages of [start, end) whose pte is none, without
 * calling ->fault, so without any userfault. Locked pages (under I/O, or being truncated) are
 * skipped; ptes that are not none (markers included) are left alone. Called with the PTL held.
 * Returns whether the faulting page itself got mapped.
 */
export function shmem_map_pages(k: Kernel, f: FaultCtx, start: number, end: number, set_pte: (vpn: number, page: Page) => void): boolean {
  const vma = f.vma;
  const file = vma.file!;
  let mapped = false;
  for (let vpn = start; vpn < end; vpn++) {
    const page = file.pages.get(vma.pgindex(vpn));
    if (page === undefined || page.lock.owner !== null) continue;
    const pte = vma.mm.pte(vpn);
    if (pte.kind !== PTE_NONE) continue;
    set_pte(vpn, page);
    if (vpn === f.vpn) mapped = true;
    else k.stats.faultAroundPages++;
  }
  return mapped;
}

/**
 * unmap_mapping_range(): zap the file's pages [first, last) in every mm that maps them. Its
 * zap_details carry no ZAP_FLAG_DROP_MARKER, so uffd-wp markers stay, and wp'd ptes leave new ones
 * where the strategy keeps them (5.19: "the unmap_mapping_range() in shmem_fallocate() still
 * requires to zap without [it] because that's still racy with the page faults", 999dad824c39).
 * unmap_mapping_folio() passes `dropMarkers`.
 */
export function* unmap_mapping_range(k: Kernel, t: Task, file: ShmemFile, first: number, last: number, dropMarkers = false): KGen {
  for (const vma of file_mappings(k, file)) {
    const lo = Math.max(vma.start, vma.start + (first - vma.pgoff));
    const hi = Math.min(vma.end, vma.start + (last - vma.pgoff));
    if (lo >= hi) continue;
    yield* vma.mm.ptl.lock(t);
    zap_pte_range(k, t, vma.mm, lo, hi, dropMarkers);
    vma.mm.ptl.unlock(t);
  }
}

/**
 * unmap_mapping_folio(): truncation of a page that is still mapped, under its page lock. Here the
 * wp information may go: details.zap_flags = ZAP_FLAG_DROP_MARKER, so the page's ptes in every mm
 * leave no marker and markers already there are dropped (999dad824c39: "we can only drop the uffd-wp
 * bit when holding the page lock").
 */
export function* unmap_mapping_folio(k: Kernel, t: Task, page: Page): KGen {
  BUG_ON(page.lock.owner !== t, `unmap_mapping_folio: ${page} not locked`);
  yield* unmap_mapping_range(k, t, page.mapping!, page.index, page.index + 1, true);
}

/**
 * shmem_fallocate(FALLOC_FL_PUNCH_HOLE): unmap_mapping_range() first, then shmem_truncate_range()
 * under each page's lock, which unmaps again any pte a racing fault (or fault-around) installed in
 * between. Swapped pages lose their swap entry.
 */
export function* shmem_punch_hole(k: Kernel, t: Task, file: ShmemFile, first: number, last: number): KGen {
  k.stats.syscalls++;
  yield* unmap_mapping_range(k, t, file, first, last);
  for (let index = first; index < last; index++) {
    const page = file.pages.get(index);
    if (page !== undefined) {
      k.get_page(page);
      yield* page.lock.lock(t);
      if (page.mapping === file && page.index === index) {
        // truncate_inode_folio() -> truncate_cleanup_folio(): zap what a racing fault (or
        // fault-around) mapped since the first pass, this time dropping uffd-wp markers.
        if (page.mapcount > 0) yield* unmap_mapping_folio(k, t, page);
        shmem_delete_from_page_cache(k, page);
      }
      page.lock.unlock(t);
      k.put_page(page);
      k.tracing && k.log(t, 'shmem_truncate_range', `${fileAt(k, file.name, index)}: ${page} dropped`);
    }
    const entry = file.swapped.get(index);
    if (entry !== undefined) {
      file.swapped.delete(index);
      swap_free(k, entry);
      k.swap.maybeFree(entry);
    }
  }
}

/**
 * shmem_writepage() after try_to_unmap(): the page is in no pte; it goes to the swap cache, the
 * xarray slot becomes the swap entry (one swap count), it is written out and leaves the page cache.
 * Called with the page locked.
 */
export function* shmem_writepage(k: Kernel, t: Task, page: Page): KGen<boolean> {
  const file = page.mapping!;
  if (page.mapcount > 0) return false;
  const entry = k.swap.alloc();
  const slot = k.swap.slot(entry);
  slot.count = 1; // swap_shmem_alloc(): the xarray's reference
  slot.cache = page;
  page.swapcache = true;
  page.swapEntry = entry;
  k.get_page(page);
  file.pages.delete(page.index);
  page.mapping = null;
  k.put_page(page);
  file.swapped.set(page.index, entry);
  yield page.obj * 4 + WRITE; // swap_writepage()
  k.ioDone(t, true);
  slot.data = page.data.clone();
  page.dirty = false;
  k.tracing && k.log(t, 'shmem_writepage', `${fileAt(k, file.name, page.index)}: ${page} -> swap ${entry}`);
  return true;
}

/** shmem_evict_inode(): the files outlive the processes in the model; drop them at teardown. */
export function shmem_evict_all(k: Kernel): void {
  for (const file of shmem_files(k).values()) {
    for (const page of [...file.pages.values()]) {
      if (page.mapcount === 0) shmem_delete_from_page_cache(k, page);
    }
    for (const [index, entry] of [...file.swapped]) {
      file.swapped.delete(index);
      swap_free(k, entry);
      const s = k.swap.slots.get(entry);
      if (s !== undefined && s.cache !== null && s.count === 0 && s.cache.refcount === 1) delete_from_swap_cache(k, s.cache);
    }
  }
}

/** The shmem pages this mm maps in [start, end) (the reclaim candidates of a swapout op). */
export function mapped_shmem_page(mm: MmStruct, vpn: number): Page | null {
  const pte = mm.pt.get(vpn);
  if (pte === undefined || pte.kind !== PTE_PRESENT || pte.page!.mapping === null) return null;
  return pte.page!;
}

void VM_FAULT_RETRY;
