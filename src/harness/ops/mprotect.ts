import { z } from 'zod';
import { mprotect_fixup } from '../../core/mm/mprotect.js';
import { defineOp } from './OpDef.js';
import { at, len, off } from './common.js';
import { pageSpan } from './span.js';

export const mprotect = defineOp({
  name: 'mprotect',
  summary: 'change protection of a range',
  args: z.strictObject({ at, off, len, prot: z.enum(['none', 'r', 'rw']) }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len } }),
  *run({ k, t, proc, ex }, a) {
    k.stats.syscalls++;
    const s = pageSpan(k.pageSize, ex.where(proc, a.at, a.off, a.len));
    if (s === null) return 'EINVAL';
    yield* mprotect_fixup(k, t, proc.mm, s.start, s.end, { read: a.prot !== 'none', write: a.prot === 'rw' });
    return null;
  },
});
