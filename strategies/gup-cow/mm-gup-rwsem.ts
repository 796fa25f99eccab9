import type { Kernel } from '../../src/core/Kernel.js';
import type { MmStruct } from '../../src/core/mm/MmStruct.js';
import { RwSem } from '../../src/core/sched/RwSem.js';
import type { Strategy } from '../../src/core/Strategy.js';

const KEY = 'mm-gup-rwsem';

function sem(k: Kernel, mm: MmStruct): RwSem {
  let s = mm.ext.get(KEY) as RwSem | undefined;
  if (s === undefined) {
    s = new RwSem(k.sched, `${mm.name}.gup_rwsem`);
    mm.ext.set(KEY, s);
  }
  return s;
}

/**
 * The approach the 2009 thread rejected (never merged): an mm-wide semaphore that fork takes for
 * write and that O_DIRECT holds for read from GUP until the I/O completes. Serialises fork behind
 * I/O; covers only the GUP users that take it (not vmsplice, not pins), and nothing after fork
 * (bug 2). As KOSAKI Motohiro's patch had it (mm_pinned_sem, linux-mm 2009-03-22): the hold is
 * the I/O's, not the submitter's (down_read_non_owner() in direct_io_worker(), up_read_non_owner()
 * in dio_complete()), so a thread that forks while its own asynchronous O_DIRECT is in flight waits
 * in dup_mmap() for that I/O to complete; it does not deadlock on itself.
 */
export const mmGupRwsem: Strategy = {
  name: 'mm-gup-rwsem',
  family: 'gup-cow',
  summary: 'mm-wide rwsem: fork takes it for write, O_DIRECT holds it for read until completion',
  refs: [
    'lkml 20091128185052.GB30235@random.random ("All other patches floating around spread an mm-wide semaphore")',
    'linux-mm 20090322205249.6801.A69D9226@jp.fujitsu.com (KOSAKI Motohiro, mm_pinned_sem: down_write in dup_mmap, down_read_non_owner/up_read_non_owner around O_DIRECT)',
  ],
  hooks: {
    *forkBegin(k, t, mm) {
      yield* sem(k, mm).down_write(t);
    },
    forkEnd: (k, t, mm) => sem(k, mm).up_write(t),
    // down_read_non_owner(): dioEnd runs in the I/O's completion, which drops the hold for `t`.
    *dioBegin(k, t, mm) {
      yield* sem(k, mm).down_read(t);
    },
    dioEnd: (k, t, mm) => sem(k, mm).up_read(t),
  },
};
