/** mm/mmap.c: mmap, munmap and exit_mmap for the modelled mappings. */
import type { Kernel } from '../Kernel.js';
import type { KGen, Task } from '../sched/Task.js';
import { WRITE } from '../sched/Access.js';
import { zap_pte_range } from './memory.js';
import type { MmStruct } from './MmStruct.js';
import { Vma } from './Vma.js';
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
    if (v.start < start) {
      const left = new Vma(mm, v.name, v.start, start, v, v.shared);
      left.mayWrite = v.mayWrite;
      left.uffdCtx = v.uffdCtx;
      left.uffdFlags = v.uffdFlags;
      keep.push(left);
    }
    if (v.end > end) {
      const right = new Vma(mm, v.name, end, v.end, v, v.shared);
      right.mayWrite = v.mayWrite;
      right.uffdCtx = v.uffdCtx;
      right.uffdFlags = v.uffdFlags;
      keep.push(right);
    }
  }
  mm.vmas = keep;
  mm.mmap_lock.up_write(t);
}

/** exit_mmap(): tear the whole address space down when the last user goes. */
export function* exit_mmap(k: Kernel, t: Task, mm: MmStruct): KGen<void> {
  yield* mm.mmap_lock.down_write(t);
  yield* mm.ptl.lock(t);
  for (const v of mm.vmas) zap_pte_range(k, t, mm, v.start, v.end);
  mm.ptl.unlock(t);
  mm.vmas = [];
  mm.dead = true;
  mm.mmap_lock.up_write(t);
}
