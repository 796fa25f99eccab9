/**
 * fs/proc/base.c mem_rw(): read(2) of /proc/pid/mem, one page-sized chunk at a time through
 * access_remote_vm() (FOLL_FORCE, no `locked`). "if (!this_len) { if (!copied) copied = -EIO;
 * break; }": a chunk that yields nothing ends the read, short if something was read before it,
 * -EIO if not. The same since the 2.6 kernels.
 */
import type { Kernel } from '../Kernel.js';
import { access_remote_vm } from '../mm/memory.js';
import type { MmStruct } from '../mm/MmStruct.js';
import type { Runs } from '../mm/PageData.js';
import type { KGen, Task } from '../sched/Task.js';

export function* mem_rw(k: Kernel, t: Task, mm: MmStruct, addr: number, len: number, out: Runs): KGen<number | 'EIO'> {
  k.stats.syscalls++;
  const ps = k.pageSize;
  let copied = 0;
  while (copied < len) {
    const chunk = Math.min(len - copied, ps);
    const part: Runs = [];
    const n = yield* access_remote_vm(k, t, mm, addr + copied, chunk, part);
    for (let i = 0; i < part.length; i += 3) out.push(part[i]! + copied, part[i + 1]! + copied, part[i + 2]!);
    copied += n;
    if (n < chunk) break;
  }
  if (copied === 0) return 'EIO';
  if (copied < len) k.tracing && k.log(t, 'mem_rw', `short read: ${copied} of ${len} bytes`);
  return copied;
}
