/**
 * kernel/fork.c dup_mmap() and mm/memory.c copy_page_range(): fork shares every anonymous page with
 * the child read-only (COW), unless the forkMustCopy hook says this page must be copied now.
 */
import type { Kernel } from '../Kernel.js';
import { WRITE } from '../sched/Access.js';
import type { KGen, Task } from '../sched/Task.js';
import type { MmStruct } from './MmStruct.js';
import { PTE_MARKER, PTE_NONE, PTE_PRESENT, PTE_SWAP, type Pte } from './Pte.js';
import { pte_install_uffd_wp_marker, userfaultfd_wp } from './memory.js';
import { page_add_file_rmap, page_add_new_anon_rmap, page_dup_rmap } from './rmap.js';
import { copy_user_highpage } from './highmem.js';
import { swap_duplicate } from './swap.js';
import { Vma, is_cow_mapping } from './Vma.js';
import { dup_userfaultfd, dup_userfaultfd_complete, type UserfaultfdCtx } from '../uffd/userfaultfd.js';

export type ForkResult = { mm: MmStruct } | { err: 'ENOMEM' };

export function* dup_mmap(k: Kernel, t: Task, oldmm: MmStruct, childName: string): KGen<ForkResult> {
  const asked = t.waitTicks;
  yield* k.hooks.forkBegin(k, t, oldmm);
  yield* oldmm.mmap_lock.down_write(t);
  const waited = t.waitTicks - asked;
  if (waited > k.stats.forkWaitSteps) k.stats.forkWaitSteps = waited;
  const mm = k.newMm(childName);
  mm.nextVpn = oldmm.nextVpn;
  let err = false;
  const fctxs = new Map<UserfaultfdCtx, UserfaultfdCtx>();
  for (const vma of oldmm.vmas) {
    const nv = new Vma(mm, vma.name, vma.start, vma.end, { read: vma.read, write: vma.write }, vma.shared);
    nv.mayWrite = vma.mayWrite;
    nv.file = vma.file;
    nv.pgoff = vma.pgoff;
    nv.base = vma.base;
    dup_userfaultfd(k, vma, nv, mm, fctxs);
    // vma-bitmap: the bitmap hangs off the vma (Andrea: "a vmalloc bitmap associated with the shmem
    // vma"), so vm_area_dup() has to decide what the child gets. It is duplicated exactly when the
    // child's VMA stays VM_UFFD_WP (UFFD_FEATURE_EVENT_FORK): the monitor then tracks the child
    // through its new context and expects the parent's protection there, as anonymous memory keeps
    // _PAGE_UFFD_WP in the copied ptes and 5.19 copies shmem ptes and markers (vma_needs_copy).
    // Without EVENT_FORK dup_userfaultfd() unregisters the child and a bitmap would be dead weight.
    // Each copy is a new allocation, counted in the cost.
    if (vma.uffdWpBitmap !== null && userfaultfd_wp(nv)) {
      nv.uffdWpBitmap = vma.uffdWpBitmap.slice();
      k.stats.uffdWpBitmapBytes += nv.uffdWpBitmap.length;
    }
    mm.vmas.push(nv);
    if (!(yield* copy_page_range(k, t, oldmm, mm, vma, nv))) {
      err = true;
      break;
    }
  }
  k.stats.tlbFlushes++; // flush_tlb_mm(oldmm): the parent's ptes were write-protected
  oldmm.mmap_lock.up_write(t);
  k.hooks.forkEnd(k, t, oldmm);
  if (fctxs.size > 0 && !err) yield* dup_userfaultfd_complete(k, t, fctxs);
  if (err) return { err: 'ENOMEM' };
  return { mm };
}

/**
 * vma_needs_copy(): copy_page_range() copies the ptes only where a fault could not rebuild them.
 * Private (anonymous, COW) memory always; a shared file mapping not (the child refaults through
 * ->fault), unless the child's VMA stays VM_UFFD_WP and the kernel keeps uffd-wp state in the ptes:
 * "Always copy pgtables when dst_vma has uffd-wp enabled even if it's file-backed (e.g. shmem)"
 * (c56d1b62cce8, 5.19). Before it, a child that kept VM_UFFD_WP refaulted its shmem pages writable.
 */
function vma_needs_copy(k: Kernel, dst: Vma, src: Vma): boolean {
  if (userfaultfd_wp(dst) && k.hooks.uffdWpForkCopy(k, dst)) return true;
  return src.file === null; // src_vma->anon_vma: the modelled file mappings are all shared
}

/**
 * copy_page_range(): for a COW mapping, since 57efa1fe5957 (5.11), inside the write side of
 * src_mm->write_protect_seq ("raw_write_seqcount_begin(&src_mm->write_protect_seq)" when is_cow),
 * so that a gup_fast FOLL_PIN that overlapped the write-protecting gives up.
 */
function* copy_page_range(k: Kernel, t: Task, src: MmStruct, dst: MmStruct, vma: Vma, nv: Vma): KGen<boolean> {
  if (!vma_needs_copy(k, nv, vma)) return true;
  const seqcount = is_cow_mapping(vma) && k.hooks.writeProtectSeq(k);
  if (seqcount) src.bumpWriteProtectSeq();
  const ok = yield* copy_pte_range(k, t, src, dst, vma, nv);
  if (seqcount) src.bumpWriteProtectSeq();
  return ok;
}

function* copy_pte_range(k: Kernel, t: Task, src: MmStruct, dst: MmStruct, vma: Vma, nv: Vma): KGen<boolean> {
  yield* dst.ptl.lock(t);
  yield* src.ptl.lock(t);
  let ok = true;
  for (let vpn = vma.start; vpn < vma.end; vpn++) {
    const s = src.pt.get(vpn);
    if (s === undefined || s.kind === PTE_NONE) continue;
    const d = dst.pte(vpn);
    if (s.kind === PTE_PRESENT) {
      if (!(yield* copy_present_pte(k, t, src, dst, vma, s, d))) {
        ok = false;
        break;
      }
    } else if (s.kind === PTE_SWAP) {
      copy_nonpresent_pte(k, s, d);
    } else if (s.kind === PTE_MARKER) {
      // copy_nonpresent_pte(): a uffd-wp marker goes to the child only if its VMA stays wp
      // (8985c301cf93, 6.2; 5.19 copied it unconditionally with a WARN, but reached it only with
      // userfaultfd_wp(dst_vma): the modelled file mappings are shared, and only that copies them).
      if (userfaultfd_wp(nv)) pte_install_uffd_wp_marker(k, d);
      continue;
    }
    // pte_clear_uffd_wp() / pte_swp_clear_uffd_wp() unless userfaultfd_wp(dst_vma) (8f34f1eac382).
    d.uffdWp = s.uffdWp && userfaultfd_wp(nv);
    if (d.uffdWp) d.write = false;
  }
  src.ptl.unlock(t);
  dst.ptl.unlock(t);
  return ok;
}

/** copy_nonpresent_pte(): the child refers to the same swap slot; neither side is exclusive now. */
function copy_nonpresent_pte(k: Kernel, s: Pte, d: Pte): void {
  swap_duplicate(k, s.swp);
  if (s.swpExclusive) {
    s.swpExclusive = false;
    s.seq++;
  }
  d.setSwap(s.swp, false);
}

/**
 * copy_present_pte(): share the page write-protected in both, or (forkMustCopy) give the child a
 * copy now, as the 2009 fork-copy patch and 70e806e4e645 do for pages that may be under DMA.
 * The "may this page be pinned" test (copy_present_page()'s page_maybe_dma_pinned() at 5.9,
 * page_try_dup_anon_rmap() at 5.19) and the write-protect of the parent's pte are separate
 * steps: the PTL keeps out the slow GUP but not gup_fast, which may pin the page in between. That
 * is the race 57efa1fe5957 describes ("GUP now returns with a write protected page").
 */
function* copy_present_pte(k: Kernel, t: Task, src: MmStruct, dst: MmStruct, vma: Vma, s: Pte, d: Pte): KGen<boolean> {
  const page = s.page!;
  if (page.zero) {
    d.setPresent(page, false, false);
    return true;
  }
  if (page.mapping !== null) {
    // A shared page-cache page: the child maps it too, as the parent does.
    k.get_page(page);
    page_add_file_rmap(page, dst, d.vpn);
    d.setPresent(page, s.write, s.dirty);
    return true;
  }
  // The 2009 fork-copy patch write-protects first and tests PG_gup after (fork_pre_cow()), so that
  // a gup_fast marking the page later sees the pte change and backs out.
  const wasWritable = s.write;
  const wrprotectFirst = is_cow_mapping(vma) && s.write && page.anon && k.hooks.forkWrprotectFirst(k);
  if (wrprotectFirst) {
    yield s.obj * 4 + WRITE;
    s.wrprotect();
  }
  if (is_cow_mapping(vma) && page.anon && k.hooks.forkMustCopy(k, page, src, vma)) {
    const np = k.alloc_page();
    if (np === null) return false;
    if (wrprotectFirst && wasWritable) {
      // The parent keeps its page, writable again: the child has its own copy.
      s.write = true;
      s.seq++;
    }
    // copy_present_page() copies with copy_user_highpage() (70e806e4e645, 5.9; fork_pre_cow() in
    // the 2009 patch), under both PTLs but not atomic with respect to a sibling thread's store into
    // the pinned page or a device's DMA: Linux 6.18 gave a child a torn copy (docs/real-kernel.md).
    yield* copy_user_highpage(k, np, page);
    k.stats.forkCopies++;
    page_add_new_anon_rmap(np, dst, d.vpn);
    d.setPresent(np, vma.write, true);
    k.tracing && k.log(t, 'copy_present_pte', `${page} may be under DMA: child gets copy ${np}`);
    return true;
  }
  k.get_page(page);
  page_dup_rmap(page, dst, d.vpn);
  page.anonExclusive = false;
  const cow = is_cow_mapping(vma);
  // The child's pte (nobody runs in the child yet: set it now, so that the rmap is whole).
  d.setPresent(page, s.write && !cow, s.dirty);
  if (cow && s.write && !wrprotectFirst) {
    // ptep_set_wrprotect() comes after the test: a lockless gup_fast may run in between.
    yield s.obj * 4 + WRITE;
    s.wrprotect();
  }
  k.tracing && k.log(t, 'copy_present_pte', `share ${page} R/O (refcount ${page.refcount}, mapcount ${page.mapcount})`);
  return true;
}
