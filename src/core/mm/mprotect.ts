/**
 * mm/mprotect.c: mprotect_fixup() (vma_merge, else __split_vma at the edges) and change_pte_range().
 * The split and the merge matter to vma-bitmap (its bitmap is split and merged with the VMA); the
 * pte update matters to uffd-wp on shmem: pte_modify(oldpte, vma->vm_page_prot) keeps
 * _PAGE_UFFD_WP (it is in _PAGE_CHG_MASK) but takes the write permission from vm_page_prot, and a
 * shared writable mapping's vm_page_prot grants write unless the VMA wants write-notify.
 */
import type { Kernel } from '../Kernel.js';
import type { KGen, Task } from '../sched/Task.js';
import { __split_vma, is_mergeable_vma, vm_page_prot_write, vma_merge, vma_wants_writenotify } from './mmap.js';
import type { MmStruct } from './MmStruct.js';
import { PTE_PRESENT } from './Pte.js';
import type { Vma } from './Vma.js';

export function* mprotect_fixup(k: Kernel, t: Task, mm: MmStruct, start: number, end: number, prot: { read: boolean; write: boolean }): KGen<void> {
  yield* mm.mmap_lock.down_write(t);
  const out: Vma[] = [];
  const changed = new Set<Vma>();
  for (const v of mm.vmas) {
    if (v.end <= start || v.start >= end) {
      out.push(v);
      continue;
    }
    if (v.start < start) out.push(__split_vma(k, v, v.start, start));
    // The VMA itself when it is covered whole; a split-off piece otherwise.
    const mid = v.start >= start && v.end <= end ? v : __split_vma(k, v, Math.max(v.start, start), Math.min(v.end, end));
    mid.read = prot.read;
    mid.write = prot.write;
    out.push(mid);
    changed.add(mid);
    if (v.end > end) out.push(__split_vma(k, v, end, v.end));
  }
  out.sort((a, b) => a.start - b.start);
  // vma_merge(): the changed range joins its neighbours when they now look alike (mprotect back to
  // the old protection undoes the split), in one step.
  const merged: Vma[] = [];
  for (let i = 0; i < out.length; ) {
    let j = i + 1;
    let touched = changed.has(out[i]!);
    while (j < out.length && is_mergeable_vma(out[j - 1]!, out[j]!) && (touched || changed.has(out[j]!))) {
      touched ||= changed.has(out[j]!);
      j++;
    }
    if (j - i > 1) vma_merge(k, out.slice(i, j));
    merged.push(out[i]!);
    i = j;
  }
  mm.vmas = merged;
  yield* mm.ptl.lock(t);
  let flushed = false;
  for (let vpn = start; vpn < end; vpn++) {
    const pte = mm.pt.get(vpn);
    const vma = mm.find_vma(vpn);
    if (pte === undefined || pte.kind !== PTE_PRESENT || vma === null) continue;
    // change_protection() flushes the range when it touched any present pte.
    flushed = true;
    const write = change_pte_write(k, vma, pte.write, pte.dirty, pte.uffdWp);
    if (write === pte.write) continue;
    pte.write = write;
    pte.seq++;
  }
  if (flushed) k.stats.tlbFlushes++;
  mm.ptl.unlock(t);
  mm.mmap_lock.up_write(t);
}

/**
 * change_pte_range() for a present pte: the write permission after mprotect. Removing write always
 * write-protects. Adding it to a shared mapping: pte_modify() with vm_page_prot makes the pte
 * writable, uffd-wp'd or not (5.19 until 51d3d5eb74ff); when the VMA wants write-notify (6.2 for
 * VM_UFFD_WP), vm_page_prot is read-only and only can_change_pte_writable() upgrades: a dirty pte
 * without the uffd-wp bit. A private mapping's vm_page_prot never grants write (COW); its ptes
 * are left as they are and the write fault decides.
 */
function change_pte_write(k: Kernel, vma: Vma, write: boolean, dirty: boolean, uffdWp: boolean): boolean {
  if (!vma.write) return false;
  if (!vma.shared) return write;
  if (vma_wants_writenotify(k, vma)) return dirty && !uffdWp;
  return vm_page_prot_write(k, vma);
}
