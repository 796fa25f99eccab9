import { z } from 'zod';
import { mwriteprotect_range } from '../../core/uffd/mcopy.js';
import { defineOp } from './OpDef.js';
import { at, len, name, off } from './common.js';
import { pageSpan } from './span.js';
import { NOT_OPEN, uffdHandle, uffdOwner } from './uffdCommon.js';

export const uffd_writeprotect = defineOp({
  name: 'uffd_writeprotect',
  summary: 'UFFDIO_WRITEPROTECT a range (wp: true) or resolve it (wp: false, wakes the range)',
  args: z.strictObject({ uffd: name, at, off, len, wp: z.boolean().default(true) }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len }, uses: [{ handle: a.uffd, kind: 'uffd' }] }),
  needs: () => [{ feature: 'uffd-wp', why: 'UFFDIO_WRITEPROTECT' }],
  *run({ k, t, proc, ex }, a) {
    const h = uffdHandle(proc, a.uffd);
    if (h === null) return NOT_OPEN;
    const owner = uffdOwner(ex, proc, h);
    const s = pageSpan(k.pageSize, ex.where(owner, a.at, a.off, a.len));
    if (s === null) return 'EINVAL';
    if (!a.wp) ex.uffd.unprotect(owner.mm, s.start, s.end);
    const err = yield* mwriteprotect_range(k, t, h.ctx, s.start, s.end, a.wp);
    if (err === null && a.wp) ex.uffd.protect(owner.mm, s.start, s.end);
    return err;
  },
});
