/** mm/mmap.c: mmap, munmap and exit_mmap for the modelled mappings. */
import { note_uffd_wp_metadata } from './uffdWpMetadata.js';
import type { Kernel } from '../Kernel.js';
import type { KGen, Task } from '../sched/Task.js';
import { WRITE } from '../sched/Access.js';
import { userfaultfd_wp, zap_pte_range } from './memory.js';
import type { MmStruct } from './MmStruct.js';
import { Vma, set_vma_wp_bit, vma_wp_bit } from './Vma.js';
import type { ShmemFile } from '../shmem/shmem.js';

export interface MmapArgs {
  name: string;
  pages: number;
  read: boolean;
  write: boolean;
  shared: boolean;
  /** shmem: the file behind the mapping (mapped from its start). */
  file?: ShmemFile;
}

/**
 * __split_vma(): vm_area_dup() of `vma` narrowed to [start, end): the same flags, uffd context and
 * file, vm_pgoff advanced. vma-bitmap's bitmap hangs off the vma, so a split needs one per piece
 * ("The vma_splits and vma_merge would be the hard part", seed 001): a new allocation holding the
 * piece's bits, counted in the cost like any other bitmap.
 */
export function __split_vma(k: Kernel, vma: Vma, start: number, end: number): Vma {
  const nv = new Vma(vma.mm, vma.name, start, end, vma, vma.shared);
  nv.mayWrite = vma.mayWrite;
  nv.uffdCtx = vma.uffdCtx;
  nv.uffdFlags = vma.uffdFlags;
  nv.file = vma.file;
  nv.pgoff = vma.pgoff + (start - vma.start);
  nv.base = vma.base;
  if (vma.uffdWpBitmap !== null) {
    nv.uffdWpBitmap = new Uint8Array(Math.ceil((end - start) / 8));
    k.stats.uffdWpBitmapBytes += nv.uffdWpBitmap.length;
    for (let v = start; v < end; v++) if (vma_wp_bit(vma, v)) set_vma_wp_bit(nv, v, true);
  }
  return nv;
}

/**
 * is_mergeable_vma() for `prev` followed by `next`: adjacent, the same protection and flags, the
 * same file at contiguous offsets, and the same userfaultfd context (vm_flags carry VM_UFFD_*, and
 * vm_userfaultfd_ctx is compared since userfaultfd was merged). The workload's mapping name stands
 * for the anon_vma.
 */
export function is_mergeable_vma(prev: Vma, next: Vma): boolean {
  return (
    prev.end === next.start &&
    prev.name === next.name &&
    prev.read === next.read &&
    prev.write === next.write &&
    prev.mayWrite === next.mayWrite &&
    prev.shared === next.shared &&
    prev.file === next.file &&
    (prev.file === null || prev.pgoff + prev.pages === next.pgoff) &&
    prev.uffdCtx === next.uffdCtx &&
    prev.uffdFlags === next.uffdFlags
  );
}

/**
 * vma_merge(): the first VMA grows over the ones that follow it (prev, the changed range and next
 * at most), which go away. vma-bitmap needs one bitmap for the merged range: a new allocation with
 * every piece's bits (counted), as for a split.
 */
export function vma_merge(k: Kernel, run: Vma[]): void {
  const prev = run[0]!;
  const pieces = run.map((v) => ({ start: v.start, end: v.end, bits: v.uffdWpBitmap }));
  prev.end = run[run.length - 1]!.end;
  if (pieces.every((p) => p.bits === null)) return;
  prev.uffdWpBitmap = new Uint8Array(Math.ceil(prev.pages / 8));
  k.stats.uffdWpBitmapBytes += prev.uffdWpBitmap.length;
  for (const p of pieces) {
    if (p.bits === null) continue;
    for (let i = 0; i < p.end - p.start; i++) if ((p.bits[i >> 3]! & (1 << (i & 7))) !== 0) set_vma_wp_bit(prev, p.start + i, true);
  }
}

/**
 * vma_wants_writenotify(): a shared writable mapping whose ptes must start read-only so that writes
 * fault. shmem has no ->page_mkwrite and no dirty accounting, so only uffd-wp could ask for it:
 * "Do we need write faults for uffd-wp tracking? if (userfaultfd_wp(vma)) return 1;" (51d3d5eb74ff,
 * 6.2; the uffdWpWritenotify decision).
 */
export function vma_wants_writenotify(k: Kernel, vma: Vma): boolean {
  if (!vma.shared || !vma.write) return false;
  return userfaultfd_wp(vma) && k.hooks.uffdWpWritenotify(k, vma);
}

/**
 * Does vma->vm_page_prot grant write? (vm_get_page_prot() / vma_set_page_prot(): a private mapping's
 * never does, COW needs the fault; a shared writable one does unless it wants write-notify.) What
 * mk_pte() and pte_modify() give a pte that nobody made writable explicitly.
 */
export function vm_page_prot_write(k: Kernel, vma: Vma): boolean {
  return vma.shared && vma.write && !vma_wants_writenotify(k, vma);
}

/** Place a new VMA without locking: used while building the initial address space. */
export function insert_vma(mm: MmStruct, a: MmapArgs): Vma {
  const start = mm.nextVpn;
  const v = new Vma(mm, a.name, start, start + a.pages, { read: a.read, write: a.write }, a.shared);
  if (a.file !== undefined) v.file = a.file;
  mm.nextVpn = start + a.pages + 16;
  mm.vmas.push(v);
  return v;
}

/** do_mmap(): a new VMA, under mmap_lock held for write. */
export function* do_mmap(k: Kernel, t: Task, mm: MmStruct, a: MmapArgs): KGen<Vma> {
  yield* mm.mmap_lock.down_write(t);
  // get_unmapped_area() and the VMA tree update take time under the lock: others can queue.
  yield mm.mmap_lock.id * 4 + WRITE;
  const v = insert_vma(mm, a);
  mm.mmap_lock.up_write(t);
  void k;
  return v;
}

/** __do_munmap(): zap and remove [start, end), splitting VMAs at the edges. */
export function* do_munmap(k: Kernel, t: Task, mm: MmStruct, start: number, end: number): KGen<void> {
  yield* mm.mmap_lock.down_write(t);
  yield* mm.ptl.lock(t);
  zap_pte_range(k, t, mm, start, end);
  mm.ptl.unlock(t);
  const keep: Vma[] = [];
  for (const v of mm.vmas) {
    if (v.end <= start || v.start >= end) {
      keep.push(v);
      continue;
    }
    if (v.start < start) keep.push(__split_vma(k, v, v.start, start));
    if (v.end > end) keep.push(__split_vma(k, v, end, v.end));
  }
  mm.vmas = keep;
  mm.mmap_lock.up_write(t);
}

/** exit_mmap(): tear the whole address space down when the last user goes. */
export function* exit_mmap(k: Kernel, t: Task, mm: MmStruct): KGen<void> {
  yield* mm.mmap_lock.down_write(t);
  yield* mm.ptl.lock(t);
  note_uffd_wp_metadata(k, mm);
  for (const v of mm.vmas) zap_pte_range(k, t, mm, v.start, v.end);
  mm.ptl.unlock(t);
  mm.vmas = [];
  mm.dead = true;
  mm.mmap_lock.up_write(t);
}
