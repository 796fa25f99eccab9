/**
 * mm/userfaultfd.c: the resolving ioctls. UFFDIO_COPY and UFFDIO_ZEROPAGE fill a missing pte
 * (-EEXIST if it is not missing any more), UFFDIO_WRITEPROTECT sets or clears the uffd-wp bit
 * (present and swap ptes alike), UFFDIO_CONTINUE maps an existing page-cache page (minor faults:
 * not for anonymous memory). Each takes mmap_lock for read, then wakes the range unless told not to.
 */
import type { Kernel } from '../Kernel.js';
import { PTE_NONE, PTE_PRESENT, PTE_SWAP } from '../mm/Pte.js';
import { page_add_new_anon_rmap } from '../mm/rmap.js';
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
    if (!vma.anonymous) {
      err = 'EINVAL';
      break;
    }
    const pte = mm.pte(vpn);
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
      k.tracing && k.log(t, 'mfill_zeropage_pte', `${vma.name}+${vpn - vma.start}: zero page`);
      continue;
    }
    const page = k.alloc_page();
    if (page === null) {
      err = 'ENOMEM';
      break;
    }
    yield page.obj * 4 + WRITE; // copy_from_user() into the new page
    page.data.fill(fill, 0, k.pageSize);
    k.stats.pageCopies++;
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
    k.tracing && k.log(t, 'mcopy_atomic_pte', `${vma.name}+${vpn - vma.start}: new ${page}${wp ? ' uffd-wp' : ''}`);
  }
  mm.mmap_lock.up_read(t);
  if (copied > 0 && !opts.dontwake) yield* wake_userfault(k, t, ctx, start, start + copied);
  return { err, copied };
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
    const pte = mm.pt.get(vpn);
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
  k.tracing && k.log(t, 'mwriteprotect_range', `pages ${start}..${end} ${wp ? 'write-protect' : 'resolve'}`);
  if (!wp && !dontwake) yield* wake_userfault(k, t, ctx, start, end);
  return null;
}

/** UFFDIO_CONTINUE: map the page cache page behind a minor fault. Anonymous memory has none. */
export function* mcontinue_atomic_pte(k: Kernel, t: Task, ctx: UserfaultfdCtx, start: number, end: number): KGen<UffdErr | null> {
  k.stats.syscalls++;
  yield* ctx.mm.mmap_lock.down_read(t);
  let err: UffdErr = 'EINVAL';
  for (let vpn = start; vpn < end; vpn++) {
    const vma = ctx.mm.find_vma(vpn);
    if (vma === null || vma.uffdCtx !== ctx) err = 'ENOENT';
  }
  ctx.mm.mmap_lock.up_read(t);
  return err;
}
