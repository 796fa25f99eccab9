import { defineOp } from './OpDef.js';
import { name } from './common.js';

export const awaitOp = defineOp({
  name: 'await',
  summary: 'user-space event: sleep until EVENT is posted',
  args: name,
  refs: (e) => ({ awaits: e }),
  *run({ t, ex }, e) {
    const ev = ex.event(e);
    // A futex wait: a fatal signal (the process dying of SIGBUS or SIGKILL) ends it.
    ev.wq.checked();
    while (!ev.posted && !t.fatal) yield* ev.wq.wait(t, true);
    return null;
  },
});
