import { z } from 'zod';
import { user_access } from '../../core/arch/uaccess.js';
import { defineOp } from './OpDef.js';
import { at, byte, len, off } from './common.js';

/** A CPU store of `fill` over the range. */
export const write = defineOp({
  name: 'write',
  summary: 'CPU store of the byte `fill` over a range',
  args: z.strictObject({ at, off, len, fill: byte }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len } }),
  *run({ k, t, proc, ex }, a) {
    const w = ex.where(proc, a.at, a.off, a.len);
    const t0 = ex.oracle.startWrite(proc.name, w.vma, w.off, w.len, a.fill);
    const err = yield* user_access(k, t, proc.mm, w.addr, w.len, a.fill, null);
    ex.oracle.write(proc.name, w.vma, w.off, w.len, a.fill, t0, ex.oracle.end(proc.name, w.vma, true, w.off, w.len), 'cpu', err === null);
    if (err === null) ex.uffd.wrote(proc, `${t.name} write`, Math.floor(w.addr / k.pageSize), Math.ceil((w.addr + w.len) / k.pageSize), t0);
    if (err === null) ex.uffd.accessed(proc, `${t.name} write`, Math.floor(w.addr / k.pageSize), Math.ceil((w.addr + w.len) / k.pageSize), t0);
    return err;
  },
});
