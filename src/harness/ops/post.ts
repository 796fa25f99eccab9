import { defineOp } from './OpDef.js';
import { name } from './common.js';

/** A user-space event (a futex wake) between threads of any processes. */
export const post = defineOp({
  name: 'post',
  summary: 'user-space event: wake every thread awaiting EVENT',
  args: name,
  refs: (e) => ({ posts: e }),
  *run({ ex }, e) {
    yield* [];
    const ev = ex.event(e);
    ev.posted = true;
    ev.wq.wakeAll();
    return null;
  },
});
