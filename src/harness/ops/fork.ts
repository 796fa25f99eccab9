import { defineOp } from './OpDef.js';
import { name } from './common.js';

/** fork(): the child runs the threads declared under processes.NAME. */
export const fork = defineOp({
  name: 'fork',
  summary: 'fork; the child runs the threads declared under processes.NAME',
  args: name,
  refs: (child) => ({ forks: child }),
  *run({ t, proc, ex }, child) {
    return yield* ex.fork(t, proc, child);
  },
});
