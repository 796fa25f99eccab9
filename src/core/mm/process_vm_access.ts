/**
 * mm/process_vm_access.c process_vm_rw_core() (3.2+): process_vm_readv() pins the remote pages
 * with FOLL_REMOTE (no FOLL_FORCE) and copies them; "if (pinned_pages <= 0) return -EFAULT" for a
 * chunk, and the call returns the bytes copied before it if there were any. The GUP is
 * get_user_pages_unlocked() since Andrea's 4.0 gup series, get_user_pages_remote(..., &locked) since
 * 5b56d49fc31d (4.10): it passes `locked`, so a userfault on the remote page may drop mmap_lock
 * and wait (the gupPassesLocked decision, caller 'process_vm'); before, plain get_user_pages()
 * under mmap_lock.
 */
import type { Kernel } from '../Kernel.js';
import { FOLL_GET, FOLL_REMOTE } from './flags.js';
import { gup_put_page, gup_slow } from './gup.js';
import type { MmStruct } from './MmStruct.js';
import type { Page } from './Page.js';
import type { Runs } from './PageData.js';
import { READ } from '../sched/Access.js';
import type { KGen, Task } from '../sched/Task.js';

export function* process_vm_rw_core(k: Kernel, t: Task, mm: MmStruct, addr: number, len: number, out: Runs): KGen<number | 'EFAULT' | 'EINTR'> {
  k.stats.syscalls++;
  const ps = k.pageSize;
  const first = Math.floor(addr / ps);
  const nr = Math.floor((addr + len - 1) / ps) - first + 1;
  const pages: Page[] = [];
  const err = yield* gup_slow(k, t, mm, first, nr, FOLL_GET | FOLL_REMOTE, pages, k.hooks.gupPassesLocked(k, 'process_vm'));
  let copied = 0;
  for (let i = 0; i < pages.length; i++) {
    const page = pages[i]!;
    const lo = i === 0 ? addr - first * ps : 0;
    const hi = Math.min(ps, addr + len - (first + i) * ps);
    yield page.obj * 4 + READ;
    page.data.read(lo, hi, out, copied);
    copied += hi - lo;
  }
  for (const p of pages) gup_put_page(k, p, FOLL_GET);
  if (err === 'EINTR' && copied === 0) return 'EINTR';
  if (copied === 0) return 'EFAULT';
  if (copied < len) k.tracing && k.log(t, 'process_vm_rw_core', `partial: ${copied} of ${len} bytes (${err})`);
  return copied;
}
