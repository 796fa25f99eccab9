import { defineOp } from './OpDef.js';
import { name } from './common.js';

export const waitpid = defineOp({
  name: 'waitpid',
  summary: 'wait until that process has exited',
  args: name,
  refs: (p) => ({ waitsFor: p }),
  *run({ t, ex }, p) {
    for (;;) {
      const proc = ex.procs.get(p);
      if (proc?.exited) return null;
      yield* (proc ? proc.exitWq : ex.event(`exit:${p}`).wq).wait(t);
    }
  },
});
