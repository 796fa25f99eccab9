/**
 * mm/userfaultfd.c: the resolving ioctls. UFFDIO_COPY and UFFDIO_ZEROPAGE fill a missing pte
 * (-EEXIST if it is not missing any more), UFFDIO_WRITEPROTECT sets or clears the uffd-wp bit
 * (present and swap ptes alike), UFFDIO_CONTINUE maps an existing page-cache page (minor faults:
 * not for anonymous memory). Each takes mmap_lock for read, then wakes the range unless told not to.
 */
import type { Kernel } from '../Kernel.js';
import { fileAt, mmPageRange, pageAt } from '../trace.js';
import { PTE_MARKER, PTE_NONE, PTE_PRESENT, PTE_SWAP, type Pte } from '../mm/Pte.js';
import { page_add_file_rmap, page_add_new_anon_rmap } from '../mm/rmap.js';
import type { Page } from '../mm/Page.js';
import type { Vma } from '../mm/Vma.js';
import { pte_install_uffd_wp_marker } from '../mm/memory.js';
import { shmem_add_to_page_cache } from '../shmem/shmem.js';
import { WRITE } from '../sched/Access.js';
import type { KGen, Task } from '../sched/Task.js';
import { VM_UFFD_WP, wake_userfault, type UffdErr, type UserfaultfdCtx } from './userfaultfd.js';

export interface MfillResult {
  err: UffdErr | null;
  /** Pages filled before any error. */
  copied: number;
}

/** __mcopy_atomic(): fill [start, end) with pages of `fill` (UFFDIO_COPY) or the zero page (UFFDIO_ZEROPAGE). */
export function* mcopy_atomic(k: Kernel, t: Task, ctx: UserfaultfdCtx, start: number, end: number, fill: number | null, opts: { wp?: boolean; dontwake?: boolean; filled?: (vpn: number) => void } = {}): KGen<MfillResult> {
  k.stats.syscalls++;
  const mm = ctx.mm;
  if (ctx.released || mm.dead) return { err: 'ENOENT', copied: 0 };
  yield* mm.mmap_lock.down_read(t);
  let err: UffdErr | null = null;
  let copied = 0;
  for (let vpn = start; vpn < end; vpn++) {
    const vma = mm.find_vma(vpn);
    // The non-cooperative checks: the VMA must still be registered (with this context) and anonymous.
    if (vma === null || vma.uffdCtx !== ctx) {
      err = 'ENOENT';
      break;
    }
    const pte = mm.pte(vpn);
    if (!vma.anonymous) {
      if (vma.file === null) {
        err = 'EINVAL';
        break;
      }
      const e = yield* shmem_mfill_atomic_pte(k, t, vma, vpn, pte, fill ?? 0, opts.wp === true);
      if (e !== null) {
        err = e;
        break;
      }
      opts.filled?.(vpn);
      copied++;
      continue;
    }
    if (fill === null) {
      yield* mm.ptl.lock(t);
      if (pte.kind !== PTE_NONE) {
        mm.ptl.unlock(t);
        err = 'EEXIST';
        break;
      }
      pte.setPresent(k.zeroPage, false, false);
      opts.filled?.(vpn);
      mm.ptl.unlock(t);
      copied++;
      k.tracing && k.log(t, 'mfill_zeropage_pte', `${pageAt(k, vma, vpn)}: zero page`);
      continue;
    }
    const page = k.alloc_page();
    if (page === null) {
      err = 'ENOMEM';
      break;
    }
    yield page.obj * 4 + WRITE; // copy_from_user() into the new page
    page.data.fill(fill, 0, k.pageSize);
    k.copied(t);
    yield* mm.ptl.lock(t);
    if (pte.kind !== PTE_NONE) {
      mm.ptl.unlock(t);
      k.put_page(page);
      err = 'EEXIST';
      break;
    }
    page_add_new_anon_rmap(page, mm, vpn);
    const wp = opts.wp === true && (vma.uffdFlags & VM_UFFD_WP) !== 0;
    pte.setPresent(page, vma.write && !wp, true);
    pte.uffdWp = wp;
    opts.filled?.(vpn);
    mm.ptl.unlock(t);
    copied++;
    k.tracing && k.log(t, 'mcopy_atomic_pte', `${pageAt(k, vma, vpn)}: new ${page}${wp ? ' uffd-wp' : ''}`);
  }
  mm.mmap_lock.up_read(t);
  if (copied > 0 && !opts.dontwake) yield* wake_userfault(k, t, ctx, start, start + copied);
  return { err, copied };
}

/**
 * mfill_atomic_install_pte() for a page-cache page: map it in this mm (pte none or a marker),
 * write-protected with uffd-wp if asked. Called with the PTL held; false if the pte is taken.
 */
function mfill_install_file_pte(k: Kernel, vma: Vma, vpn: number, pte: Pte, page: Page, wp: boolean): boolean {
  if (pte.kind !== PTE_NONE && pte.kind !== PTE_MARKER) return false;
  const uffdWp = wp || (pte.kind === PTE_MARKER && pte.uffdWp);
  k.get_page(page);
  page_add_file_rmap(page, vma.mm, vpn);
  pte.setPresent(page, vma.write && !uffdWp, true);
  pte.uffdWp = uffdWp;
  return true;
}

/**
 * shmem_mfill_atomic_pte(): UFFDIO_COPY / ZEROPAGE into a shmem hole: the page joins the page cache
 * (visible to every sharer, unlike the userfault itself) and is mapped in the registering mm.
 * -EEXIST if the file already has a page there.
 */
function* shmem_mfill_atomic_pte(k: Kernel, t: Task, vma: Vma, vpn: number, pte: Pte, fill: number, wp: boolean): KGen<UffdErr | null> {
  const file = vma.file!;
  const index = vma.pgindex(vpn);
  if (file.pages.has(index) || file.swapped.has(index)) return 'EEXIST';
  const page = k.alloc_page();
  if (page === null) return 'ENOMEM';
  yield page.obj * 4 + WRITE; // copy_from_user() into the new page
  page.data.fill(fill, 0, k.pageSize);
  k.copied(t);
  const mm = vma.mm;
  yield* mm.ptl.lock(t);
  if (file.pages.has(index) || file.swapped.has(index)) {
    mm.ptl.unlock(t);
    k.put_page(page);
    return 'EEXIST';
  }
  shmem_add_to_page_cache(k, file, index, page);
  page.dirty = true;
  const ok = mfill_install_file_pte(k, vma, vpn, pte, page, wp && (vma.uffdFlags & VM_UFFD_WP) !== 0);
  mm.ptl.unlock(t);
  k.put_page(page); // alloc's reference: the page cache and the pte hold theirs
  k.tracing && k.log(t, 'shmem_mfill_atomic_pte', `${pageAt(k, vma, vpn)}: ${fileAt(k, file.name, index)} = ${page}`);
  return ok ? null : 'EEXIST';
}

/**
 * mwriteprotect_range(): UFFDIO_WRITEPROTECT. Setting write-protects the ptes and marks them
 * (swap ptes keep the mark); clearing removes the mark and, unless DONTWAKE, wakes the range. The
 * pte stays read-only: the next write goes through do_wp_page() as for any private mapping.
 */
export function* mwriteprotect_range(k: Kernel, t: Task, ctx: UserfaultfdCtx, start: number, end: number, wp: boolean, dontwake = false): KGen<UffdErr | null> {
  k.stats.syscalls++;
  const mm = ctx.mm;
  if (ctx.released || mm.dead) return 'ENOENT';
  yield* mm.mmap_lock.down_read(t);
  for (let vpn = start; vpn < end; vpn++) {
    const vma = mm.find_vma(vpn);
    if (vma === null || vma.uffdCtx !== ctx || !(vma.uffdFlags & VM_UFFD_WP)) {
      mm.mmap_lock.up_read(t);
      return 'ENOENT';
    }
  }
  yield* mm.ptl.lock(t);
  let flushed = false;
  for (let vpn = start; vpn < end; vpn++) {
    const vma = mm.find_vma(vpn)!;
    if (!vma.anonymous) k.hooks.uffdWpRecord(k, vma, vpn, wp);
    const pte = mm.pt.get(vpn);
    if (!vma.anonymous && (pte === undefined || pte.kind === PTE_NONE || pte.kind === PTE_MARKER)) {
      // change_pte_range(): a none pte of a file VMA gets a uffd-wp marker (5.19); resolving drops it.
      if (wp && (pte === undefined || pte.kind === PTE_NONE) && k.hooks.uffdWpFileNone(k, vma)) pte_install_uffd_wp_marker(k, mm.pte(vpn));
      else if (!wp && pte !== undefined && pte.kind === PTE_MARKER) pte.clear();
      continue;
    }
    if (pte === undefined || (pte.kind !== PTE_PRESENT && pte.kind !== PTE_SWAP)) continue;
    if (wp) {
      if (pte.kind === PTE_PRESENT && pte.write) flushed = true;
      pte.write = false;
      pte.uffdWp = true;
    } else pte.uffdWp = false;
    pte.seq++;
  }
  if (flushed) k.stats.tlbFlushes++;
  mm.ptl.unlock(t);
  mm.mmap_lock.up_read(t);
  k.tracing && k.log(t, 'mwriteprotect_range', `${mmPageRange(k, ctx.mm, start, end)} ${wp ? 'write-protect' : 'resolve'}`);
  if (!wp && !dontwake) yield* wake_userfault(k, t, ctx, start, end);
  return null;
}

/**
 * UFFDIO_CONTINUE (mcontinue_atomic_pte): map the page-cache page behind a minor fault, then wake
 * the range. Anonymous memory has no page cache (EINVAL); a hole is -EFAULT (shmem_getpage with
 * SGP_NOALLOC); an already mapped pte is -EEXIST.
 */
export function* mcontinue_atomic_pte(k: Kernel, t: Task, ctx: UserfaultfdCtx, start: number, end: number): KGen<UffdErr | null> {
  k.stats.syscalls++;
  const mm = ctx.mm;
  if (ctx.released || mm.dead) return 'ENOENT';
  yield* mm.mmap_lock.down_read(t);
  let err: UffdErr | null = null;
  let done = 0;
  for (let vpn = start; vpn < end; vpn++) {
    const vma = mm.find_vma(vpn);
    if (vma === null || vma.uffdCtx !== ctx) {
      err = 'ENOENT';
      break;
    }
    if (vma.file === null) {
      err = 'EINVAL';
      break;
    }
    const page = vma.file.pages.get(vma.pgindex(vpn));
    if (page === undefined) {
      err = 'EFAULT';
      break;
    }
    yield* mm.ptl.lock(t);
    const ok = mfill_install_file_pte(k, vma, vpn, mm.pte(vpn), page, false);
    mm.ptl.unlock(t);
    if (!ok) {
      err = 'EEXIST';
      break;
    }
    done++;
    k.tracing && k.log(t, 'mcontinue_atomic_pte', `${pageAt(k, vma, vpn)}: map ${page}`);
  }
  mm.mmap_lock.up_read(t);
  if (done > 0) yield* wake_userfault(k, t, ctx, start, start + done);
  return err;
}
