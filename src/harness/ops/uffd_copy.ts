import { z } from 'zod';
import { mcopy_atomic } from '../../core/uffd/mcopy.js';
import { defineOp } from './OpDef.js';
import { at, byte, len, name, off } from './common.js';
import { pageSpan } from './span.js';
import { NOT_OPEN, oracleFill, uffdHandle, uffdOwner } from './uffdCommon.js';

/** UFFDIO_COPY (or, with zeropage: true, UFFDIO_ZEROPAGE) of whole pages, then the wake. */
export const uffd_copy = defineOp({
  name: 'uffd_copy',
  summary: 'UFFDIO_COPY pages of `fill` into a registered range (zeropage: true for UFFDIO_ZEROPAGE); wakes the range',
  args: z.strictObject({ uffd: name, at, off, len, fill: byte.default(0), zeropage: z.boolean().default(false), wp: z.boolean().default(false) }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len }, uses: [{ handle: a.uffd, kind: 'uffd' }] }),
  needs: (a) => (a.wp ? [{ feature: 'uffd-wp', why: 'UFFDIO_COPY_MODE_WP' }] : []),
  *run({ k, t, proc, ex }, a) {
    const h = uffdHandle(proc, a.uffd);
    if (h === null) return NOT_OPEN;
    const owner = uffdOwner(ex, proc, h);
    const s = pageSpan(k.pageSize, ex.where(owner, a.at, a.off, a.len));
    if (s === null) return 'EINVAL';
    const t0 = ex.oracle.now();
    const value = a.zeropage ? 0 : a.fill;
    const r = yield* mcopy_atomic(k, t, h.ctx, s.start, s.end, a.zeropage ? null : a.fill, { wp: a.wp, filled: (v) => oracleFill(k, ex, owner, v, v + 1, value, t0) });
    return r.err;
  },
});
