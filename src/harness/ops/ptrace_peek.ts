import { z } from 'zod';
import { mem_rw } from '../../core/fs/proc_mem.js';
import { generic_ptrace_peekdata } from '../../core/kernel/ptrace.js';
import { process_vm_rw_core } from '../../core/mm/process_vm_access.js';
import type { Runs } from '../../core/mm/PageData.js';
import { defineOp } from './OpDef.js';
import { at, len, name, off } from './common.js';

/**
 * A debugger reads another process's memory, through one of the three interfaces, each with its own
 * answer when a page cannot be had (a userfault that may not block, a hole GUP cannot fill):
 * - `peekdata`: PTRACE_PEEKDATA word by word (generic_ptrace_peekdata): -EIO at the failing word;
 * - `proc_mem`: read(2) of /proc/pid/mem (mem_rw): a short read, or -EIO if nothing could be read;
 * - `process_vm_readv`: -EFAULT if nothing could be read, else a partial read; its GUP passes
 *   `locked` (4.0+), so a userfault may wait with mmap_lock dropped.
 * The first two go through access_remote_vm(), GUP with no `locked`.
 */
export const ptrace_peek = defineOp({
  name: 'ptrace_peek',
  summary: "read another process's memory: interface peekdata (PTRACE_PEEKDATA: -EIO), proc_mem (/proc/pid/mem: short read, -EIO if nothing) or process_vm_readv (-EFAULT if nothing, else partial)",
  args: z.strictObject({
    target: name,
    at,
    off,
    len,
    interface: z.enum(['peekdata', 'proc_mem', 'process_vm_readv']).default('peekdata').describe('PTRACE_PEEKDATA, /proc/pid/mem, or process_vm_readv()'),
  }),
  refs: (a) => ({ waitsFor: a.target }),
  needs: (a) => (a.interface === 'process_vm_readv' ? [{ feature: 'process-vm-readv', why: 'interface: process_vm_readv' }] : []),
  *run({ k, t, ex }, a) {
    const target = ex.procs.get(a.target);
    if (target === undefined || target.exited) {
      k.stats.syscalls++;
      return 'ESRCH';
    }
    const w = ex.where(target, a.at, a.off, a.len);
    const t0 = ex.oracle.start(target.name, w.vma, false, w.off, w.len);
    const out: Runs = [];
    let n: number;
    let err: string | null = null;
    if (a.interface === 'peekdata') {
      const r = yield* generic_ptrace_peekdata(k, t, target.mm, w.addr, w.len, ex.w.arch.bits / 8, out);
      n = r.n;
      err = r.err;
    } else {
      const r = a.interface === 'proc_mem' ? yield* mem_rw(k, t, target.mm, w.addr, w.len, out) : yield* process_vm_rw_core(k, t, target.mm, w.addr, w.len, out);
      if (typeof r === 'string') return r;
      n = r;
    }
    // What was read is judged, whatever the call returned (a short read, the words before -EIO).
    const t1 = ex.oracle.end(target.name, w.vma, false, w.off, w.len);
    if (n > 0) ex.observe(target, { ...w, len: n }, out, t0, t1, 'cpu', `${t.name} ${a.interface}`);
    const ps = k.pageSize;
    if (n > 0) ex.uffd.accessed(target, t.name, Math.floor(w.addr / ps), Math.ceil((w.addr + n) / ps), t0);
    return err;
  },
});
