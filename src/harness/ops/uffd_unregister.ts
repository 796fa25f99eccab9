import { z } from 'zod';
import { userfaultfd_unregister } from '../../core/uffd/userfaultfd.js';
import { defineOp } from './OpDef.js';
import { at, len, name, off } from './common.js';
import { pageSpan } from './span.js';
import { NOT_OPEN, uffdHandle, uffdOwner } from './uffdCommon.js';

export const uffd_unregister = defineOp({
  name: 'uffd_unregister',
  summary: 'UFFDIO_UNREGISTER a range; userfaults pending on it are woken',
  args: z.strictObject({ uffd: name, at, off, len }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len }, uses: [{ handle: a.uffd, kind: 'uffd' }] }),
  *run({ k, t, proc, ex }, a) {
    const h = uffdHandle(proc, a.uffd);
    if (h === null) return NOT_OPEN;
    const owner = uffdOwner(ex, proc, h);
    const s = pageSpan(k.pageSize, ex.where(owner, a.at, a.off, a.len));
    if (s === null) return 'EINVAL';
    ex.uffd.unregister(owner.mm, s.start, s.end);
    const err = yield* userfaultfd_unregister(k, t, h.ctx, s.start, s.end);
    return err;
  },
});
