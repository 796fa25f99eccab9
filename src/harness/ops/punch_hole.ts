import { z } from 'zod';
import { shmem_punch_hole } from '../../core/shmem/shmem.js';
import { defineOp } from './OpDef.js';
import { at, len, off } from './common.js';
import { pageSpan } from './span.js';

/** fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) on the shmem file behind a mapping. */
export const punch_hole = defineOp({
  name: 'punch_hole',
  summary: 'fallocate(PUNCH_HOLE) on the shmem file behind the mapping: every sharer reads zeroes there after',
  args: z.strictObject({ at, off, len }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len } }),
  needs: () => [{ feature: 'shmem-punch-hole', why: 'fallocate(FALLOC_FL_PUNCH_HOLE) on shmem' }],
  *run({ k, t, proc, ex }, a) {
    const w = ex.where(proc, a.at, a.off, a.len);
    const s = pageSpan(k.pageSize, w);
    if (s === null || w.len % k.pageSize !== 0) return 'EINVAL';
    const vma = proc.mm.find_vma(s.start);
    if (vma === null || vma.file === null) return 'ENODEV';
    const first = vma.pgindex(s.start);
    const last = first + (s.end - s.start);
    const t0 = ex.oracle.start(proc.name, w.vma, true, w.off, w.len);
    yield* shmem_punch_hole(k, t, vma.file, first, last);
    ex.uffd.punch(vma.file.name, first, last);
    ex.oracle.write(proc.name, w.vma, w.off, w.len, 0, t0, ex.oracle.end(proc.name, w.vma, true, w.off, w.len), 'zap');
    return null;
  },
});
