import { z } from 'zod';
import { madvise_dontneed, reclaim_range } from '../../core/mm/madvise.js';
import { defineOp } from './OpDef.js';
import { at, len, off } from './common.js';
import { pageSpan } from './span.js';

export const madvise = defineOp({
  name: 'madvise',
  summary: 'MADV_DONTNEED (zap: reads as zero after) or MADV_PAGEOUT (reclaim pages only this mm maps)',
  args: z.strictObject({ at, off, len, advice: z.enum(['dontneed', 'pageout']) }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len } }),
  needs: (a) => (a.advice === 'pageout' ? [{ feature: 'madv-pageout', why: 'MADV_PAGEOUT' }] : []),
  *run({ k, t, proc, ex }, a) {
    k.stats.syscalls++;
    const w = ex.where(proc, a.at, a.off, a.len);
    const s = pageSpan(k.pageSize, w);
    if (s === null) return 'EINVAL';
    if (a.advice === 'pageout') {
      yield* reclaim_range(k, t, proc.mm, s.start, s.end, false);
      return null;
    }
    const t0 = ex.oracle.start(proc.name, w.vma, true, s.start * k.pageSize - (w.addr - w.off), (s.end - s.start) * k.pageSize);
    yield* madvise_dontneed(k, t, proc.mm, s.start, s.end);
    ex.uffd.zap(proc.mm, s.start, s.end);
    const base = w.addr - w.off;
    // MADV_DONTNEED on a shmem mapping only drops this mm's ptes: the file keeps the data.
    if (!ex.oracle.isShared(proc.name, w.vma)) ex.oracle.write(proc.name, w.vma, s.start * k.pageSize - base, (s.end - s.start) * k.pageSize, 0, t0, ex.oracle.end(proc.name, w.vma, true, s.start * k.pageSize - (w.addr - w.off), (s.end - s.start) * k.pageSize), 'zap');
    return null;
  },
});
