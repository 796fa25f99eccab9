import { pipe_read as kpipe_read } from '../../core/io/pipe.js';
import { defineOp } from './OpDef.js';
import { name } from './common.js';

/**
 * Read what the vmsplice put in the pipe. vmsplice without SPLICE_F_GIFT lets the splicer's own later
 * writes show through, so anything the splicer's memory held from the splice until now is allowed;
 * another process's data is not.
 */
export const pipe_read = defineOp({
  name: 'pipe_read',
  summary: 'read the pipe filled by that vmsplice',
  args: name,
  refs: (id) => ({ uses: [{ handle: id, kind: 'pipe' }] }),
  *run({ k, t, proc, ex }, id) {
    const h = proc.handles.get(id);
    if (h?.kind !== 'pipe' || h.buf.released) return 'EINVAL';
    const data = yield* kpipe_read(k, t, h.buf);
    ex.observe(proc, { vma: h.vma, off: h.off, len: h.len, addr: 0 }, data, h.t0, ex.oracle.end(proc.name, h.vma, false, h.off, h.len), 'pipe', `${t.name} pipe_read ${id}`);
    return null;
  },
});
