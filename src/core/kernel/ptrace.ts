/**
 * kernel/ptrace.c generic_ptrace_peekdata(): PTRACE_PEEKDATA reads one word of the tracee through
 * ptrace_access_vm() (access_process_vm() before 4.9), i.e. access_remote_vm() with FOLL_FORCE and
 * no `locked`; "if (copied != sizeof(tmp)) return -EIO". A debugger reading a range issues one
 * PEEKDATA per word and stops at the first that fails, keeping the words it got.
 */
import type { Kernel } from '../Kernel.js';
import { userAddr } from '../trace.js';
import { access_remote_vm } from '../mm/memory.js';
import type { MmStruct } from '../mm/MmStruct.js';
import type { Runs } from '../mm/PageData.js';
import type { KGen, Task } from '../sched/Task.js';

/** Returns the bytes read (whole words) and -EIO if a word could not be read. */
export function* generic_ptrace_peekdata(k: Kernel, t: Task, mm: MmStruct, addr: number, len: number, wordSize: number, out: Runs): KGen<{ n: number; err: 'EIO' | null }> {
  k.stats.syscalls++;
  const got = yield* access_remote_vm(k, t, mm, addr, len, out);
  if (got === len) return { n: got, err: null };
  // The words before the one that failed were read; that one is -EIO.
  const n = got - (got % wordSize);
  let w = 0;
  for (let i = 0; i < out.length; i += 3) {
    if (out[i]! >= n) break;
    out[w] = out[i]!;
    out[w + 1] = Math.min(out[i + 1]!, n);
    out[w + 2] = out[i + 2]!;
    w += 3;
  }
  out.length = w;
  k.tracing && k.log(t, 'generic_ptrace_peekdata', `word at ${userAddr(k, mm, addr + n)}: ptrace_access_vm copied ${got - n} of ${wordSize}: -EIO`);
  return { n, err: 'EIO' };
}
