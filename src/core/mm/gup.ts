/**
 * mm/gup.c: get_user_pages and pin_user_pages, slow path (__get_user_pages, follow_page_pte,
 * faultin_page) and the lockless gup_fast walk.
 */
import type { Kernel } from '../Kernel.js';
import { mmPageAt } from '../trace.js';
import { READ, WRITE } from '../sched/Access.js';
import type { KGen, Task } from '../sched/Task.js';
import {
  FAULT_FLAG_ALLOW_RETRY,
  FAULT_FLAG_KILLABLE,
  FAULT_FLAG_REMOTE,
  FAULT_FLAG_RETRY_NOWAIT,
  FAULT_FLAG_TRIED,
  FAULT_FLAG_UNSHARE,
  FAULT_FLAG_WRITE,
  FOLL_GET,
  FOLL_NOFAULT,
  FOLL_NOWAIT,
  FOLL_PIN,
  FOLL_REMOTE,
  FOLL_TRIED,
  FOLL_WRITE,
  VM_FAULT_ERROR,
  VM_FAULT_OOM,
  VM_FAULT_RETRY,
  VM_FAULT_USERFAULT,
  FAULT_FLAG_TRIED2,
  faultFlagNames,
  follFlagNames,
} from './flags.js';
import type { GupCaller } from '../hooks.js';
import { handle_mm_fault } from './memory.js';
import type { MmStruct } from './MmStruct.js';
import { GUP_PIN_COUNTING_BIAS, type Page } from './Page.js';
import { PTE_PRESENT } from './Pte.js';
import { is_cow_mapping } from './Vma.js';

export type Errno = 'EFAULT' | 'ENOMEM' | 'EINTR' | 'EBUSY' | 'EAGAIN' | 'EINVAL' | 'EEXIST' | 'EADDRINUSE' | 'ENOENT' | 'ESRCH' | 'EIO';

export interface GupResult {
  pages: Page[];
  err: Errno | null;
}

/**
 * `locked` as get_user_pages_locked() passes it: cleared when the fault path dropped mmap_lock;
 * `ret` is what that fault returned (VM_FAULT_RETRY or VM_FAULT_USERFAULT), and `flags` the fault
 * flags of the attempt, which the retry protocol (the faultRetryFlags hook) turns into the next.
 */
export interface Locked {
  locked: boolean;
  ret: number;
  flags: number;
}

const NEED_FAULT = 1;
const NEED_UNSHARE = 2;

/** try_grab_page(): FOLL_GET takes a reference, FOLL_PIN takes GUP_PIN_COUNTING_BIAS of them. */
export function try_grab_page(k: Kernel, page: Page, gupFlags: number): void {
  if (page.zero) return;
  if (gupFlags & FOLL_PIN) {
    page.refcount += GUP_PIN_COUNTING_BIAS;
  } else k.get_page(page);
  k.hooks.gupGrabbed(k, page, gupFlags);
}

/** unpin_user_page() / put_page() for a page GUP returned. */
export function gup_put_page(k: Kernel, page: Page, gupFlags: number): void {
  if (page.zero) return;
  k.put_page(page, gupFlags & FOLL_PIN ? GUP_PIN_COUNTING_BIAS : 1);
}

/** follow_page_pte(): under the PTL, return the page if the pte allows this access. */
function* follow_page_pte(k: Kernel, t: Task, mm: MmStruct, vpn: number, gupFlags: number): KGen<Page | number> {
  yield* mm.ptl.lock(t);
  const pte = mm.pt.get(vpn);
  if (pte === undefined || pte.kind !== PTE_PRESENT) {
    mm.ptl.unlock(t);
    return NEED_FAULT;
  }
  if (gupFlags & FOLL_WRITE && !pte.write) {
    mm.ptl.unlock(t);
    return NEED_FAULT;
  }
  const page = pte.page!;
  if (!pte.write && !page.zero && k.hooks.gupMustUnshare(k, page, gupFlags)) {
    mm.ptl.unlock(t);
    return NEED_UNSHARE;
  }
  try_grab_page(k, page, gupFlags);
  if (gupFlags & FOLL_WRITE) {
    pte.dirty = true;
    page.dirty = true;
  }
  k.tracing && k.log(t, 'follow_page_pte', `${follFlagNames(gupFlags)} ${page} (refcount ${page.refcount})`);
  mm.ptl.unlock(t);
  return page;
}

/**
 * faultin_page(): returns 0 to look at the pte again, 'EBUSY' on VM_FAULT_RETRY (with `locked`,
 * mmap_lock has been dropped and locked.locked is false; with FOLL_NOWAIT it is still held), or an
 * errno. On a retry (FOLL_TRIED), `tried` is the fault flags the retry protocol gives it: TRIED or
 * TRIED2, and ALLOW_RETRY only if that protocol still allows one; `locked` is passed all the same,
 * because a userfault may drop mmap_lock even then (VM_FAULT_USERFAULT, uffdBlockWhenTried).
 */
function* faultin_page(k: Kernel, t: Task, mm: MmStruct, vpn: number, gupFlags: number, unshare: boolean, locked: Locked | null, tried: number): KGen<0 | Errno> {
  const vma = mm.find_vma(vpn);
  if (vma === null) return 'EFAULT';
  let flags = 0;
  if (gupFlags & FOLL_WRITE) flags |= FAULT_FLAG_WRITE;
  if (unshare) flags |= FAULT_FLAG_UNSHARE;
  if (gupFlags & FOLL_REMOTE) flags |= FAULT_FLAG_REMOTE;
  if (gupFlags & FOLL_TRIED) flags |= tried;
  else if (locked !== null) flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE;
  if (gupFlags & FOLL_NOWAIT) flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_RETRY_NOWAIT;
  const ret = yield* handle_mm_fault(k, t, vma, vpn, flags);
  if (ret & VM_FAULT_ERROR) return ret & VM_FAULT_OOM ? 'ENOMEM' : 'EFAULT';
  if (ret & (VM_FAULT_RETRY | VM_FAULT_USERFAULT)) {
    if (!(flags & FAULT_FLAG_RETRY_NOWAIT) && locked !== null) {
      locked.locked = false;
      locked.ret = ret;
      locked.flags = flags;
    }
    return 'EBUSY';
  }
  return 0;
}

/**
 * __get_user_pages(): called with mmap_lock held for read. Pushes the pages it got to `out`; on
 * 'EBUSY' a fault returned VM_FAULT_RETRY (with `locked`: mmap_lock has been dropped).
 */
export function* __get_user_pages(
  k: Kernel,
  t: Task,
  mm: MmStruct,
  start: number,
  nr: number,
  gupFlags: number,
  out: Page[],
  locked: Locked | null,
  tried = 0,
): KGen<Errno | null> {
  if (gupFlags & FOLL_PIN) mm.hasPinned = true;
  for (let i = 0; i < nr; i++) {
    const vpn = start + i;
    const vma = mm.find_vma(vpn);
    if (vma === null) return 'EFAULT';
    let foll = gupFlags;
    if (foll & FOLL_WRITE ? !vma.write : !vma.read) return 'EFAULT';
    if (!(foll & FOLL_WRITE) && is_cow_mapping(vma) && k.hooks.gupForceCowBreak(k, vma, foll)) foll |= FOLL_WRITE;
    for (;;) {
      if (t.fatal) return 'EINTR';
      const r = yield* follow_page_pte(k, t, mm, vpn, foll);
      if (typeof r !== 'number') {
        out.push(r);
        break;
      }
      // FOLL_NOFAULT (2b78b58c2fa7, 5.16): the caller cannot take a fault here (it holds locks a
      // fault may need, or must not sleep); it gets -EFAULT and faults in by other means.
      if (foll & FOLL_NOFAULT) return 'EFAULT';
      const e = yield* faultin_page(k, t, mm, vpn, foll, r === NEED_UNSHARE, locked, tried);
      if (e !== 0) return e;
    }
  }
  return null;
}

/**
 * __get_user_pages_locked(): entered with mmap_lock held and locked.locked set. When a fault drops
 * mmap_lock, retake it and retry that page with FOLL_TRIED and the fault flags the retry protocol
 * gives (faultRetryFlags): with ALLOW_RETRY the retry passes `locked` again and may drop it again
 * (4426e945df58, 5.7: "continue to retry until we succeeded"); without it, `locked` is NULL (4.3).
 * A fatal signal ends the loop. Returns with mmap_lock held iff locked.locked.
 */
export function* __get_user_pages_locked(k: Kernel, t: Task, mm: MmStruct, start: number, nr: number, gupFlags: number, out: Page[], locked: Locked): KGen<Errno | null> {
  const base = out.length;
  let err = yield* __get_user_pages(k, t, mm, start, nr, gupFlags, out, locked);
  while (err === 'EBUSY' && !locked.locked) {
    // VM_FAULT_RETRY dropped mmap_lock: seek to the faulting page and repeat it.
    k.stats.faultRetries++;
    if (t.fatal) return 'EINTR';
    const next = k.hooks.faultRetryFlags(k, locked.flags, locked.ret);
    if (!(yield* mm.mmap_lock.down_read(t, true))) return 'EINTR';
    locked.locked = true;
    const vpn = start + (out.length - base);
    const tried = next & (FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE | FAULT_FLAG_TRIED | FAULT_FLAG_TRIED2);
    k.tracing && k.log(t, '__get_user_pages_locked', `retry ${mmPageAt(k, mm, vpn)} ${next & FAULT_FLAG_ALLOW_RETRY ? 'with' : 'without'} ALLOW_RETRY (${faultFlagNames(next)})`);
    err = yield* __get_user_pages(k, t, mm, vpn, 1, gupFlags | FOLL_TRIED, out, locked, tried);
    if (err === 'EBUSY' && !locked.locked) continue;
    if (err !== null) return err === 'EBUSY' ? 'EFAULT' : err;
    const done = out.length - base;
    if (done >= nr) return null;
    err = yield* __get_user_pages(k, t, mm, start + done, nr - done, gupFlags, out, locked);
  }
  return err;
}

/**
 * get_user_pages() / get_user_pages_locked() / get_user_pages_unlocked() / pin_user_pages(): the
 * slow path under mmap_lock. With `useLocked` a fault may drop mmap_lock and retry
 * (__get_user_pages_locked); without it (ptrace, access_remote_vm, pre-4.0 callers) it may not.
 */
export function* gup_slow(k: Kernel, t: Task, mm: MmStruct, start: number, nr: number, gupFlags: number, out: Page[], useLocked: boolean): KGen<Errno | null> {
  k.stats.gupCalls++;
  if (!(yield* mm.mmap_lock.down_read(t, true))) return 'EINTR';
  if (!useLocked) {
    const err = yield* __get_user_pages(k, t, mm, start, nr, gupFlags, out, null);
    mm.mmap_lock.up_read(t);
    return err === 'EBUSY' && !(gupFlags & FOLL_NOWAIT) ? 'EFAULT' : err;
  }
  const locked: Locked = { locked: true, ret: 0, flags: 0 };
  const err = yield* __get_user_pages_locked(k, t, mm, start, nr, gupFlags, out, locked);
  if (locked.locked) mm.mmap_lock.up_read(t);
  return err === 'EBUSY' && !(gupFlags & FOLL_NOWAIT) ? 'EFAULT' : err;
}

/**
 * gup_fast (lockless_pages_from_mm() and gup_pte_range(), 5.19; internal_get_user_pages_fast() and
 * gup_pte_range() at 5.9 and 5.11): walk the page table without mmap_lock or the PTL (IRQs off).
 * For each pte: read it once (ptep_get_lockless), give up on what the fast path cannot take (not
 * present, not writable for FOLL_WRITE, pte_special such as the zero page), grab the page
 * (try_grab_folio / try_grab_compound_head, which fails on a page already freed), then compare the
 * whole pte value with the pte again and back out if anything changed, and only then, for a pte
 * that was read-only, ask gup_must_unshare() and back out if the pin has to unshare first. Stops at
 * the first page it cannot take; the caller falls back to the slow path for the rest.
 *
 * Since 57efa1fe5957 (5.11) a FOLL_PIN walk is bracketed by mm->write_protect_seq: odd (fork is
 * write-protecting the parent's ptes) means take nothing, and a count that moved during the walk
 * means unpin everything taken: the slow path then waits for fork's mmap_lock.
 */
export function* gup_fast(k: Kernel, t: Task, mm: MmStruct, start: number, nr: number, gupFlags: number, out: Page[]): KGen<void> {
  let foll = gupFlags;
  if (gupFlags & FOLL_PIN) mm.hasPinned = true;
  const seqcount = (gupFlags & FOLL_PIN) !== 0 && k.hooks.writeProtectSeq(k);
  const seq = seqcount ? mm.writeProtectSeq : 0;
  if (seq & 1) {
    k.tracing && k.log(t, 'gup_fast', `write_protect_seq ${seq} is odd (fork in progress): slow path`);
    return;
  }
  const base = out.length;
  for (let i = 0; i < nr; i++) {
    const vpn = start + i;
    const ptep = mm.pt.get(vpn);
    if (ptep === undefined) break;
    yield ptep.obj * 4 + READ;
    // ptep_get_lockless(): one snapshot of the pte value.
    const val = ptep.seq;
    const kind = ptep.kind;
    const write = ptep.write;
    const page = ptep.page;
    if (!(gupFlags & FOLL_WRITE) && k.hooks.gupForceCowBreak(k, null, gupFlags)) foll = gupFlags | FOLL_WRITE;
    // pte_access_permitted(); pte_special(): the zero page is never taken by the fast path.
    if (kind !== PTE_PRESENT || (foll & FOLL_WRITE && !write) || page!.zero) break;
    if (!k.hooks.gupFastMayGrab(k, page!, ptep, foll)) break;
    yield page!.obj * 4 + WRITE;
    // try_grab_folio(): folio_ref_try_add_rcu() fails on a folio whose refcount already hit zero.
    if (page!.freed) break;
    try_grab_page(k, page!, foll);
    if (ptep.seq !== val) {
      // pte_val(pte) != pte_val(ptep_get(ptep)): anything changed, even a bit we do not use.
      gup_put_page(k, page!, foll);
      k.tracing && k.log(t, 'gup_fast', `pte of ${page} changed under us: back out`);
      break;
    }
    if (!write && k.hooks.gupMustUnshare(k, page!, foll)) {
      gup_put_page(k, page!, foll);
      k.tracing && k.log(t, 'gup_fast', `${page} must be unshared first: slow path`);
      break;
    }
    if (foll & FOLL_WRITE) page!.dirty = true;
    k.tracing && k.log(t, 'gup_fast', `${follFlagNames(foll)} ${page} (refcount ${page!.refcount})`);
    out.push(page!);
  }
  if (seqcount && mm.writeProtectSeq !== seq) {
    // read_seqcount_retry(): fork write-protected ptes while we walked; unpin_user_pages_lockless().
    for (const p of out.splice(base)) gup_put_page(k, p, foll);
    k.tracing && k.log(t, 'gup_fast', `write_protect_seq moved (fork): unpin all, slow path`);
  }
}

/**
 * get_user_pages_fast() / pin_user_pages_fast(): gup_fast, then the slow path for the rest, which
 * passes `locked` (get_user_pages_unlocked, a7b780750e61 in 4.0) if the gupPassesLocked hook says so.
 */
export function* get_user_pages_fast(k: Kernel, t: Task, mm: MmStruct, start: number, nr: number, gupFlags: number, caller: GupCaller = 'odirect'): KGen<GupResult> {
  const pages: Page[] = [];
  yield* gup_fast(k, t, mm, start, nr, gupFlags, pages);
  if (pages.length === nr) {
    k.stats.gupCalls++;
    return { pages, err: null };
  }
  const err = yield* gup_slow(k, t, mm, start + pages.length, nr - pages.length, gupFlags, pages, k.hooks.gupPassesLocked(k, caller));
  return { pages, err };
}

/** get_user_pages() / pin_user_pages() (slow path only, with `locked` so faults may retry). */
export function* get_user_pages(k: Kernel, t: Task, mm: MmStruct, start: number, nr: number, gupFlags: number, useLocked = true): KGen<GupResult> {
  const pages: Page[] = [];
  const err = yield* gup_slow(k, t, mm, start, nr, gupFlags, pages, useLocked);
  return { pages, err };
}

/**
 * fixup_user_fault(): resolve a fault on another mm's address as the CPU would, without GUP's page
 * walk; called with mmap_lock held for read. With `unlocked`, the fault may drop mmap_lock
 * (FAULT_FLAG_ALLOW_RETRY); it is retaken and the fault retried with FAULT_FLAG_TRIED.
 */
export function* fixup_user_fault(k: Kernel, t: Task, mm: MmStruct, addr: number, faultFlags: number, unlocked: { unlocked: boolean } | null): KGen<0 | Errno> {
  const vpn = Math.floor(addr / k.pageSize);
  let flags = faultFlags;
  if (unlocked !== null) flags |= FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE;
  for (;;) {
    const vma = mm.find_vma(vpn);
    if (vma === null) return 'EFAULT';
    // vma_permits_fault()
    if (flags & FAULT_FLAG_WRITE ? !vma.write : !vma.read) return 'EFAULT';
    if (t.fatal) return 'EINTR';
    const ret = yield* handle_mm_fault(k, t, vma, vpn, flags);
    // vm_fault_to_errno()
    if (ret & VM_FAULT_ERROR) return ret & VM_FAULT_OOM ? 'ENOMEM' : 'EFAULT';
    if (ret & (VM_FAULT_RETRY | VM_FAULT_USERFAULT)) {
      yield* mm.mmap_lock.down_read(t);
      unlocked!.unlocked = true;
      flags |= FAULT_FLAG_TRIED;
      continue;
    }
    return 0;
  }
}

export { FOLL_GET };
