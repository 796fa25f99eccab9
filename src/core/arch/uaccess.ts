/**
 * A CPU load or store to user memory: walk the pte (the TLB), and if it does not allow the access,
 * take the page fault and try again. The access to one page is one scheduling point.
 */
import type { Kernel } from '../Kernel.js';
import type { MmStruct } from '../mm/MmStruct.js';
import { PTE_PRESENT } from '../mm/Pte.js';
import type { Runs } from '../mm/PageData.js';
import { READ } from '../sched/Access.js';
import type { KGen, Task } from '../sched/Task.js';
import { do_user_addr_fault, type UserFault } from './fault.js';

/**
 * Access `len` bytes at byte address `addr`. A store writes `fill`; a load copies into `out`
 * as runs of bytes. Stops at the first fault that cannot be resolved.
 */
export function* user_access(k: Kernel, t: Task, mm: MmStruct, addr: number, len: number, fill: number | null, out: Runs | null): KGen<UserFault | null> {
  const ps = k.pageSize;
  const write = fill !== null;
  let done = 0;
  while (done < len) {
    const a = addr + done;
    const vpn = Math.floor(a / ps);
    const off = a - vpn * ps;
    const n = Math.min(len - done, ps - off);
    const pte = mm.pte(vpn);
    for (;;) {
      // The walk reads the pte; what a store changes in it (the dirty and accessed bits, when they
      // were clear) the pte's setters record.
      yield pte.obj * 4 + READ;
      const vma = pte.kind === PTE_PRESENT ? mm.find_vma(vpn) : null;
      if (vma !== null && (write ? pte.write : vma.read)) {
        const page = pte.page!;
        if (write) {
          page.data.fill(fill, off, off + n);
          pte.dirty = true;
        } else page.data.read(off, off + n, out!, done);
        pte.young = true;
        break;
      }
      const err = yield* do_user_addr_fault(k, t, mm, vpn, write);
      if (err !== null) return err;
    }
    done += n;
  }
  return null;
}
