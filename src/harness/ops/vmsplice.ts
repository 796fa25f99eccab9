import { z } from 'zod';
import { vmsplice_to_pipe } from '../../core/io/pipe.js';
import { defineOp } from './OpDef.js';
import { at, len, name, off } from './common.js';

/** vmsplice() the range into a pipe: the pipe keeps references to the pages (R/O GUP, FOLL_GET). */
export const vmsplice = defineOp({
  name: 'vmsplice',
  summary: 'splice user pages into a pipe (R/O GUP, FOLL_GET)',
  args: z.strictObject({ as: name, at, off, len }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len }, defines: { handle: a.as, kind: 'pipe' } }),
  *run({ k, t, proc, ex }, a) {
    const w = ex.where(proc, a.at, a.off, a.len);
    const t0 = ex.oracle.start(proc.name, w.vma, false, w.off, w.len);
    const r = yield* vmsplice_to_pipe(k, t, proc.mm, w.addr, w.len);
    if (typeof r === 'string') return r;
    proc.handles.set(a.as, { kind: 'pipe', buf: r, vma: w.vma, off: w.off, len: w.len, t0 });
    return null;
  },
});
