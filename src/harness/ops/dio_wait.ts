import { defineOp } from './OpDef.js';
import { name } from './common.js';

export const dio_wait = defineOp({
  name: 'dio_wait',
  summary: 'wait for that O_DIRECT I/O to complete (io_getevents): its result, including a failure before any I/O (alignment, GUP)',
  args: name,
  refs: (id) => ({ uses: [{ handle: id, kind: 'dio' }] }),
  *run({ t, proc }, id) {
    const h = proc.handles.get(id);
    // The submission failed (and was judged there): there is nothing to wait for.
    if (h === undefined) return null;
    if (h.kind !== 'dio') return 'EINVAL';
    if (h.req === null) return h.err;
    yield* h.req.done.wait(t);
    return null;
  },
});
