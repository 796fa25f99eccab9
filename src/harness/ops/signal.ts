import { z } from 'zod';
import { DONE } from '../../core/sched/Task.js';
import { defineOp } from './OpDef.js';
import { name } from './common.js';
import { findThread } from './uffdCommon.js';

/** kill(2): SIGKILL is process-wide, so every thread of the target's process gets it. */
export const signal = defineOp({
  name: 'signal',
  summary: "deliver SIGKILL to a thread's process (thread: PROC.thread or a thread of this process)",
  args: z.strictObject({ thread: name, sig: z.enum(['SIGKILL']).default('SIGKILL') }),
  refs: (a) => ({ thread: a.thread }),
  *run({ k, t, proc, ex }, a) {
    yield* [];
    k.stats.syscalls++;
    const target = findThread(ex, proc, a.thread);
    if (target === null) return 'ESRCH';
    const victim = [...ex.procs.values()].find((p) => p.tasks.includes(target));
    for (const o of victim?.tasks ?? [target]) if (o.state !== DONE) ex.kill(o);
    k.tracing && k.log(t, 'signal', `${a.sig} to ${victim?.name ?? target.name}`);
    return null;
  },
});
