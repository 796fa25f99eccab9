import { z } from 'zod';
import { wake_userfault } from '../../core/uffd/userfaultfd.js';
import { defineOp } from './OpDef.js';
import { at, len, name, off } from './common.js';
import { pageSpan } from './span.js';
import { NOT_OPEN, uffdHandle, uffdOwner } from './uffdCommon.js';

export const uffd_wake = defineOp({
  name: 'uffd_wake',
  summary: 'UFFDIO_WAKE: wake the userfaults blocked on a range',
  args: z.strictObject({ uffd: name, at, off, len }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len }, uses: [{ handle: a.uffd, kind: 'uffd' }] }),
  *run({ k, t, proc, ex }, a) {
    const h = uffdHandle(proc, a.uffd);
    if (h === null) return NOT_OPEN;
    const s = pageSpan(k.pageSize, ex.where(uffdOwner(ex, proc, h), a.at, a.off, a.len));
    if (s === null) return 'EINVAL';
    k.stats.syscalls++;
    yield* wake_userfault(k, t, h.ctx, s.start, s.end);
    return null;
  },
});
