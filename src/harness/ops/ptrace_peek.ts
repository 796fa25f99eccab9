import { z } from 'zod';
import { access_remote_vm } from '../../core/mm/memory.js';
import type { Runs } from '../../core/mm/PageData.js';
import { defineOp } from './OpDef.js';
import { at, len, name, off } from './common.js';

/** A debugger reads another process's memory: access_remote_vm(), GUP with no `locked`. */
export const ptrace_peek = defineOp({
  name: 'ptrace_peek',
  summary: "read another process's memory as ptrace does (access_remote_vm: GUP with no `locked`); -EFAULT if a page cannot be had",
  args: z.strictObject({ target: name, at, off, len }),
  refs: (a) => ({ waitsFor: a.target }),
  *run({ k, t, ex }, a) {
    k.stats.syscalls++;
    const target = ex.procs.get(a.target);
    if (target === undefined || target.exited) return 'ESRCH';
    const w = ex.where(target, a.at, a.off, a.len);
    const t0 = ex.oracle.start(target.name, w.vma, false, w.off, w.len);
    const out: Runs = [];
    const n = yield* access_remote_vm(k, t, target.mm, w.addr, w.len, out);
    if (n < w.len) return 'EFAULT';
    ex.observe(target, w, out, t0, ex.oracle.end(target.name, w.vma, false, w.off, w.len), 'cpu', `${t.name} ptrace peek`);
    const ps = k.pageSize;
    ex.uffd.accessed(target, t.name, Math.floor(w.addr / ps), Math.ceil((w.addr + w.len) / ps), t0);
    return null;
  },
});
