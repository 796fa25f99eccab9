import { z } from 'zod';
import { do_munmap } from '../../core/mm/mmap.js';
import { defineOp } from './OpDef.js';
import { at, len, off } from './common.js';
import { pageSpan } from './span.js';

export const munmap = defineOp({
  name: 'munmap',
  summary: 'unmap a range (takes mmap_lock for write)',
  args: z.strictObject({ at, off, len }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len } }),
  *run({ k, t, proc, ex }, a) {
    k.stats.syscalls++;
    const w = ex.where(proc, a.at, a.off, a.len);
    const s = pageSpan(k.pageSize, w);
    if (s === null) return 'EINVAL';
    const t0 = ex.oracle.start(proc.name, w.vma, true, s.start * k.pageSize - (w.addr - w.off), (s.end - s.start) * k.pageSize);
    yield* do_munmap(k, t, proc.mm, s.start, s.end);
    ex.uffd.zap(proc.mm, s.start, s.end, true);
    if (!ex.oracle.isShared(proc.name, w.vma)) ex.oracle.write(proc.name, w.vma, s.start * k.pageSize - (w.addr - w.off), (s.end - s.start) * k.pageSize, -1, t0, ex.oracle.end(proc.name, w.vma, true, s.start * k.pageSize - (w.addr - w.off), (s.end - s.start) * k.pageSize), 'unmap');
    return null;
  },
});
