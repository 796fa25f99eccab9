/**
 * virt/kvm/kvm_main.c hva_to_pfn(): how a vCPU fault on guest memory GUPs the host page. First the
 * lockless gup_fast; then, with async page faults, FOLL_NOWAIT under mmap_lock (a userfault returns
 * VM_FAULT_RETRY at once, without queueing or sleeping: the guest runs something else); then the
 * blocking slow path, get_user_pages_unlocked() since 234b239bea39/f0818f472d8d, which may drop
 * mmap_lock while a userfault sleeps, or plain get_user_pages() under mmap_lock before that.
 */
import type { Kernel } from '../Kernel.js';
import { FOLL_GET, FOLL_NOWAIT, FOLL_WRITE } from '../mm/flags.js';
import { __get_user_pages, gup_fast, gup_put_page, gup_slow, type Errno } from '../mm/gup.js';
import type { MmStruct } from '../mm/MmStruct.js';
import type { Page } from '../mm/Page.js';
import type { KGen, Task } from '../sched/Task.js';

export interface KvmFaultResult {
  err: Errno | null;
  /** Which path got the page: 'fast', 'async' (FOLL_NOWAIT), 'slow' (blocking). */
  via: 'fast' | 'async' | 'slow' | null;
}

export function* hva_to_pfn(k: Kernel, t: Task, mm: MmStruct, vpn: number, write: boolean): KGen<KvmFaultResult> {
  k.stats.syscalls++;
  const flags = FOLL_GET | (write ? FOLL_WRITE : 0);
  const pages: Page[] = [];
  const done = (via: KvmFaultResult['via']): KvmFaultResult => {
    for (const p of pages) gup_put_page(k, p, flags); // kvm_release_pfn_clean() once mapped in the EPT
    return { err: null, via };
  };
  yield* gup_fast(k, t, mm, vpn, 1, flags, pages);
  if (pages.length === 1) return done('fast');
  // kvm_arch_setup_async_pf(): try without waiting first.
  k.stats.gupCalls++;
  if (!(yield* mm.mmap_lock.down_read(t, true))) return { err: 'EINTR', via: null };
  const e = yield* __get_user_pages(k, t, mm, vpn, 1, flags | FOLL_NOWAIT, pages, null);
  mm.mmap_lock.up_read(t);
  if (pages.length === 1) return done('async');
  k.tracing && k.log(t, 'hva_to_pfn', `FOLL_NOWAIT: ${e ?? 'no page'}; async page fault, then the blocking retry`);
  const err = yield* gup_slow(k, t, mm, vpn, 1, flags, pages, k.hooks.gupPassesLocked(k, 'kvm'));
  if (err !== null || pages.length !== 1) {
    for (const p of pages) gup_put_page(k, p, flags);
    return { err: err ?? 'EFAULT', via: null };
  }
  return done('slow');
}
