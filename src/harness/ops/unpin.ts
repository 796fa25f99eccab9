import { unpin_user_pages } from '../../core/io/pin.js';
import { defineOp } from './OpDef.js';
import { name } from './common.js';

export const unpin = defineOp({
  name: 'unpin',
  summary: 'unpin_user_pages',
  args: name,
  refs: (id) => ({ uses: [{ handle: id, kind: 'pin' }] }),
  *run(c, id) {
    const { k, proc } = c;
    yield* [];
    const h = proc.handles.get(id);
    if (h?.kind !== 'pin' || h.pin.released) return 'EINVAL';
    unpin_user_pages(k, h.pin);
    return null;
  },
});
