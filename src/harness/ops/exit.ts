import { z } from 'zod';
import { defineOp } from './OpDef.js';

/** exit_group(): the other threads are killed; the mm goes when the last thread ends. */
export const exit = defineOp({
  name: 'exit',
  summary: 'the process exits; its mm is torn down when its last thread ends',
  args: z.union([z.strictObject({}), z.null()]).transform(() => ({})),
  refs: () => ({}),
  // eslint-disable-next-line require-yield
  *run({ t, proc, ex }) {
    for (const o of proc.tasks) if (o !== t) ex.kill(o);
    return 'EXIT';
  },
});
