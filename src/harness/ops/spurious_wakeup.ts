import { defineOp } from './OpDef.js';
import { name } from './common.js';
import { findThread } from './uffdCommon.js';

/** A stray wake_up_process() of another thread, from whatever it sleeps on (the 2015 thread's example). */
export const spurious_wakeup = defineOp({
  name: 'spurious_wakeup',
  summary: 'wake_up_process() of THREAD (PROC.thread or a thread of this process) from whatever it sleeps on',
  args: name,
  refs: (th) => ({ thread: th }),
  *run({ k, t, proc, ex }, th) {
    yield* [];
    const target = findThread(ex, proc, th);
    if (target === null) throw new Error(`spurious_wakeup: no thread ${th}`);
    if (target.wakeSpuriously()) {
      k.stats.spuriousWakeups++;
      k.tracing && k.log(t, 'wake_up_process', `${target.name} (spurious)`);
    }
    return null;
  },
});
