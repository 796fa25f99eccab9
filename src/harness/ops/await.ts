import { defineOp } from './OpDef.js';
import { name } from './common.js';

export const awaitOp = defineOp({
  name: 'await',
  summary: 'user-space event: sleep until EVENT is posted',
  args: name,
  refs: (e) => ({ awaits: e }),
  *run({ t, ex }, e) {
    const ev = ex.event(e);
    while (!ev.posted) yield* ev.wq.wait(t);
    return null;
  },
});
