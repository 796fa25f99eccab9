import { z } from 'zod';
import { user_access } from '../../core/arch/uaccess.js';
import type { Runs } from '../../core/mm/PageData.js';
import { defineOp } from './OpDef.js';
import { at, len, off } from './common.js';

/** A CPU load; what it returns is judged by the oracle. */
export const read = defineOp({
  name: 'read',
  summary: 'CPU load from a mapping; the bytes are judged against what the process may see',
  args: z.strictObject({ at, off, len }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len } }),
  *run({ k, t, proc, ex }, a) {
    const w = ex.where(proc, a.at, a.off, a.len);
    const t0 = ex.oracle.start(proc.name, w.vma, false, w.off, w.len);
    const data: Runs = [];
    const err = yield* user_access(k, t, proc.mm, w.addr, w.len, null, data);
    if (err !== null) return err;
    ex.observe(proc, w, data, t0, ex.oracle.end(proc.name, w.vma, false, w.off, w.len), 'cpu', `${t.name} read`);
    ex.uffd.accessed(proc, `${t.name} read`, Math.floor(w.addr / k.pageSize), Math.ceil((w.addr + w.len) / k.pageSize), t0);
    return null;
  },
});
