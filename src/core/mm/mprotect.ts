/** mm/mprotect.c: change protection of [start, end); ptes lose write permission when it is removed. */
import type { Kernel } from '../Kernel.js';
import type { KGen, Task } from '../sched/Task.js';
import type { MmStruct } from './MmStruct.js';
import { PTE_PRESENT } from './Pte.js';
import { Vma } from './Vma.js';

export function* mprotect_fixup(k: Kernel, t: Task, mm: MmStruct, start: number, end: number, prot: { read: boolean; write: boolean }): KGen<void> {
  yield* mm.mmap_lock.down_write(t);
  const out: Vma[] = [];
  for (const v of mm.vmas) {
    if (v.end <= start || v.start >= end) {
      out.push(v);
      continue;
    }
    const pieces: [number, number, boolean][] = [];
    if (v.start < start) pieces.push([v.start, start, false]);
    pieces.push([Math.max(v.start, start), Math.min(v.end, end), true]);
    if (v.end > end) pieces.push([end, v.end, false]);
    for (const [s, e, changed] of pieces) {
      const nv = new Vma(mm, v.name, s, e, changed ? prot : v, v.shared);
      nv.mayWrite = v.mayWrite;
      nv.uffdCtx = v.uffdCtx;
      nv.uffdFlags = v.uffdFlags;
      out.push(nv);
    }
  }
  mm.vmas = out;
  if (!prot.write) {
    // change_pte_range(): write-protect present ptes.
    yield* mm.ptl.lock(t);
    for (let vpn = start; vpn < end; vpn++) {
      const pte = mm.pt.get(vpn);
      if (pte && pte.kind === PTE_PRESENT && pte.write) pte.wrprotect();
    }
    k.stats.tlbFlushes++;
    mm.ptl.unlock(t);
  }
  mm.mmap_lock.up_write(t);
}
