import { z } from 'zod';
import { reclaim_range } from '../../core/mm/madvise.js';
import { defineOp } from './OpDef.js';
import { at, len, off } from './common.js';
import { pageSpan } from './span.js';

/** Memory pressure picks these pages now: shrink_page_list() on each, however many mms map it. */
export const swapout = defineOp({
  name: 'swapout',
  summary: 'reclaim tries to unmap and swap the pages out now',
  args: z.strictObject({ at, off, len }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len } }),
  *run({ k, t, proc, ex }, a) {
    const s = pageSpan(k.pageSize, ex.where(proc, a.at, a.off, a.len));
    if (s === null) return 'EINVAL';
    yield* reclaim_range(k, t, proc.mm, s.start, s.end, true);
    return null;
  },
});
