import type { Kernel } from './Kernel.js';
import type { KGen, Task } from './sched/Task.js';
import type { MmStruct } from './mm/MmStruct.js';
import type { Page } from './mm/Page.js';
import type { Pte } from './mm/Pte.js';
import type { Vma } from './mm/Vma.js';
import { reuse_swap_page } from './mm/swap.js';
import { FAULT_FLAG_ALLOW_RETRY, FAULT_FLAG_TRIED, FAULT_FLAG_WRITE, VM_FAULT_RETRY } from './mm/flags.js';
import type { Errno } from './mm/gup.js';
import { align_addr_bit, user_reg_get, type BitopTarget, type EnablerSpec, type FixupFailedAction, type UserReg } from './trace/user_events.js';

/**
 * GUP callers whose entry point may pass `locked` (get_user_pages_locked/unlocked, f0818f472d8d):
 * O_DIRECT's slow path, KVM's hva_to_pfn, process_vm_readv (get_user_pages_remote with &locked).
 */
export type GupCaller = 'odirect' | 'kvm' | 'process_vm';

/** The fault being handled, as struct vm_fault carries it. */
export interface FaultCtx {
  t: Task;
  vma: Vma;
  vpn: number;
  pte: Pte;
  /** FAULT_FLAG_* */
  flags: number;
}

/**
 * The decision points that the candidate patches change. Each hook's default is the baseline kernel
 * (2.6.32 for gup-cow); a strategy overrides some of them. Hooks are called at the exact place in
 * the modelled kernel path where the patch changes the code, with the locks that code holds.
 */
export interface Hooks {
  /**
   * do_wp_page(): may this write (or unshare) fault reuse the anonymous page in place instead of
   * copying it? Called with the PTL and the page lock held; may drop the page from the swap cache
   * as reuse_swap_page() does.
   */
  wpReuse(k: Kernel, page: Page, f: FaultCtx): boolean;
  /**
   * do_swap_page(): on a write fault, map the swapped-in page writable at once instead of mapping it
   * read-only and going through do_wp_page(). Called before the page is mapped (mapcount excludes
   * this mapping; the swap count still includes this pte).
   */
  swapinReuse(k: Kernel, page: Page, f: FaultCtx, swpExclusive: boolean): boolean;
  /**
   * do_swap_page() on a SWP_SYNCHRONOUS_IO device (zram) for a slot only this pte refers to: read
   * into a new page outside the swap cache ("skip swapcache", 0bcac06f27d7, 4.15).
   */
  swapinSkipSwapcache(k: Kernel): boolean;
  /** copy_present_pte(): give the child its own copy of this anonymous page instead of sharing it. */
  forkMustCopy(k: Kernel, page: Page, src: MmStruct, vma: Vma): boolean;
  /**
   * copy_present_pte(): write-protect the parent's pte before asking forkMustCopy (and make it
   * writable again if the child gets a copy), rather than after, as every merged kernel does.
   */
  forkWrprotectFirst(k: Kernel): boolean;
  /** __get_user_pages() / gup_fast: treat a read GUP on a COW mapping as a write, breaking COW. */
  gupForceCowBreak(k: Kernel, vma: Vma | null, gupFlags: number): boolean;
  /** follow_page_pte(): this R/O pin must first unshare the page (FAULT_FLAG_UNSHARE). */
  gupMustUnshare(k: Kernel, page: Page, gupFlags: number): boolean;
  /** gup_fast: may the lockless walk grab this page, or must it fall back to the slow path? */
  gupFastMayGrab(k: Kernel, page: Page, pte: Pte, gupFlags: number): boolean;
  /** GUP took a reference on the page (FOLL_GET or FOLL_PIN). */
  gupGrabbed(k: Kernel, page: Page, gupFlags: number): void;
  /**
   * mm->write_protect_seq (57efa1fe5957, 5.11): copy_page_range() of a COW mapping holds the
   * seqcount odd while it write-protects the parent's ptes, and gup_fast with FOLL_PIN gives up
   * (falls back to the slow path, which waits for fork's mmap_lock) if it was odd or changed.
   */
  writeProtectSeq(k: Kernel): boolean;
  /** shrink_page_list(): may reclaim add this anonymous page to the swap cache at all? */
  reclaimMayAddToSwap(k: Kernel, page: Page): boolean;
  /** try_to_unmap_one(): may reclaim replace this anonymous page's pte with a swap entry? */
  reclaimMayUnmap(k: Kernel, page: Page): boolean;
  /** dup_mmap(): before fork takes the parent's mmap_lock, and after it drops it. */
  forkBegin(k: Kernel, t: Task, mm: MmStruct): KGen;
  forkEnd(k: Kernel, t: Task, mm: MmStruct): void;
  /**
   * O_DIRECT (bio_iov_iter_get_pages) when the workload leaves `gup:` to the kernel: pin the user
   * buffer with FOLL_PIN (iov_iter_extract_pages, a7e689dd1c06, 6.5) instead of taking FOLL_GET
   * references (iov_iter_get_pages, every kernel before).
   */
  dioPinsPages(k: Kernel): boolean;
  /** O_DIRECT: before the buffer is GUP'd, and when the I/O completes (`t` is the submitter). */
  dioBegin(k: Kernel, t: Task, mm: MmStruct): KGen;
  dioEnd(k: Kernel, t: Task, mm: MmStruct): void;

  // uffd-retry (seed 000): what handle_userfault does after schedule(), and how the fault loops retry.
  /**
   * handle_userfault(): after schedule() returns, sleep again until the targeted wakeup
   * (uwq.waken, set by userfaultfd_wake_function) or a signal or release, instead of trusting that
   * any wakeup was the userfault's (15a77c6fe494, 4.10).
   */
  uffdWaitForWaken(k: Kernel, f: FaultCtx): boolean;
  /**
   * handle_userfault(): what a userfault that slept returns, mmap_lock dropped: VM_FAULT_RETRY, or
   * the 2015 proposal's VM_FAULT_USERFAULT that the retry loops do not count as a try.
   */
  uffdSleptReturn(k: Kernel, f: FaultCtx): number;
  /**
   * handle_userfault() on a retry that may no longer drop mmap_lock (FAULT_FLAG_TRIED, no
   * ALLOW_RETRY, because an earlier attempt returned VM_FAULT_RETRY): block anyway, dropping
   * mmap_lock, instead of failing with VM_FAULT_SIGBUS. The 2015 proposal's VM_FAULT_USERFAULT
   * "would be returned even if FAULT_FLAG_TRIED is set, so that only userfaults will be allowed to
   * be repeated indefinitely". The callers that set TRIED (the arch handler, GUP's retry with
   * `locked`) are the ones that know how to retake mmap_lock.
   */
  uffdBlockWhenTried(k: Kernel, f: FaultCtx): boolean;
  /**
   * do_user_addr_fault() and __get_user_pages_locked(): the fault flags of the next attempt after
   * one that returned `ret` (VM_FAULT_RETRY or VM_FAULT_USERFAULT, mmap_lock dropped). Without
   * FAULT_FLAG_ALLOW_RETRY the next attempt cannot drop mmap_lock again: a userfault on it fails.
   */
  faultRetryFlags(k: Kernel, flags: number, ret: number): number;
  /**
   * lock_page_or_retry() (__folio_lock_or_retry) on a locked page: may this attempt drop mmap_lock,
   * wait for the page and return VM_FAULT_RETRY, rather than sleep on the page lock holding it?
   * Before 5.7, whenever FAULT_FLAG_ALLOW_RETRY is set; since 4064b9827063 only on the first attempt
   * (fault_flag_allow_retry_first(): ALLOW_RETRY and not TRIED).
   */
  faultAllowRetryFirst(k: Kernel, flags: number): boolean;

  // gup-unlock (seed 002): userfaults reached from GUP.
  /**
   * handle_userfault() on a first attempt that may not drop mmap_lock (no FAULT_FLAG_ALLOW_RETRY
   * and not a retry: GUP without `locked`): 'hold' blocks with mmap_lock held, 'sigbus' fails it.
   */
  userfaultNoRetry(k: Kernel, f: FaultCtx): 'hold' | 'sigbus';
  /** Does this GUP caller pass `locked`, letting a fault drop mmap_lock and retry? */
  gupPassesLocked(k: Kernel, caller: GupCaller): boolean;
  /**
   * user_events (seed 004) user_reg_get(): validate a DIAG_IOCSREG and say which address and bit
   * the enabler records (the ABI: abi-size-bit, the merged one, or abi-bit31, the RFC's).
   */
  userEventsRegGet(k: Kernel, reg: UserReg): EnablerSpec | Errno;
  /** user_event_enabler_write(): the long that set_bit()/clear_bit() operate on (align_addr_bit()). */
  userEventsAlignAddrBit(k: Kernel, e: EnablerSpec): BitopTarget;
  /**
   * user_event_enabler_write(): pin without FOLL_NOFAULT, faulting the page in right there under
   * event_mutex and mmap_lock, instead of handing the fault to a worker.
   */
  userEventsSyncFault(k: Kernel): boolean;
  /** user_event_enabler_fault_fixup(): fixup_user_fault() failed with `err`; what now. */
  userEventsFixupFailed(k: Kernel, err: Errno): FixupFailedAction;

  // uffd-wp-shmem (seed 001): where the uffd-wp bit of a file mapping lives, and read fault-around.
  /**
   * zap_pte_range() / try_to_unmap_one() on a file VMA (reclaim, MADV_DONTNEED, hole punch; not
   * munmap or exit): leave a uffd-wp pte marker where a wp'd pte was (pte_install_uffd_wp_if_needed,
   * 5.19). Called with the PTL held, for a pte with the uffd-wp bit in a VM_UFFD_WP VMA.
   */
  uffdWpZapMarker(k: Kernel, vma: Vma, pte: Pte): boolean;
  /**
   * change_pte_range() for UFFDIO_WRITEPROTECT on a none pte of a file VMA: install a uffd-wp marker
   * so that the page is write-protected when it gets mapped later.
   */
  uffdWpFileNone(k: Kernel, vma: Vma): boolean;
  /**
   * vma_needs_copy() at fork: copy a shared file VMA's ptes (uffd-wp bits and markers) because the
   * child's VMA stays VM_UFFD_WP (UFFD_FEATURE_EVENT_FORK), instead of letting the child refault
   * from the page cache, which knows nothing of uffd-wp (c56d1b62cce8, 5.19).
   */
  uffdWpForkCopy(k: Kernel, dst: Vma): boolean;
  /**
   * vma_wants_writenotify() for a shared VM_UFFD_WP VMA: vm_page_prot without write, so that ptes
   * (mapped by a read fault or fault-around, or rewritten by mprotect's pte_modify) start read-only
   * and only can_change_pte_writable() upgrades them, never a uffd-wp'd one (51d3d5eb74ff, 6.2).
   */
  uffdWpWritenotify(k: Kernel, vma: Vma): boolean;
  /** UFFDIO_WRITEPROTECT of one page of a file VMA (any pte state): vma-bitmap records it here. */
  uffdWpRecord(k: Kernel, vma: Vma, vpn: number, wp: boolean): void;
  /** shmem_fault() in a VM_UFFD_WP file VMA: map this page write-protected (vma-bitmap's lookup; fault-around never asks). */
  uffdWpFileFault(k: Kernel, vma: Vma, vpn: number): boolean;
  /** do_read_fault(): map the neighbouring cached pages first (should_fault_around()). */
  shouldFaultAround(k: Kernel, vma: Vma): boolean;
}

export type HookName = keyof Hooks;

// eslint-disable-next-line require-yield
function* nothing(): KGen {}

/** The baseline: 2.6.32's mm (mapcount-based COW reuse, fork always shares, GUP never breaks COW on read). */
export const baselineHooks: Hooks = {
  wpReuse: (k, page) => reuse_swap_page(k, page),
  swapinReuse: (k, page, f) => (f.flags & FAULT_FLAG_WRITE) !== 0 && reuse_swap_page(k, page),
  swapinSkipSwapcache: () => false,
  forkMustCopy: () => false,
  forkWrprotectFirst: () => false,
  gupForceCowBreak: () => false,
  gupMustUnshare: () => false,
  gupFastMayGrab: () => true,
  gupGrabbed: () => {},
  writeProtectSeq: () => false,
  reclaimMayAddToSwap: () => true,
  reclaimMayUnmap: () => true,
  forkBegin: nothing,
  forkEnd: () => {},
  dioPinsPages: () => false,
  dioBegin: nothing,
  dioEnd: () => {},
  // uffd-retry baseline, tried-once (4.3): sleep once, return VM_FAULT_RETRY; retry without ALLOW_RETRY.
  uffdWaitForWaken: () => false,
  uffdSleptReturn: () => VM_FAULT_RETRY,
  uffdBlockWhenTried: () => false,
  faultRetryFlags: (_k, flags) => (flags & ~FAULT_FLAG_ALLOW_RETRY) | FAULT_FLAG_TRIED,
  faultAllowRetryFirst: (_k, flags) => (flags & FAULT_FLAG_ALLOW_RETRY) !== 0,
  // gup-unlock baseline, gup-hold: a userfault in GUP blocks with mmap_lock held.
  userfaultNoRetry: () => 'hold',
  gupPassesLocked: () => false,
  userEventsRegGet: user_reg_get,
  userEventsAlignAddrBit: align_addr_bit,
  userEventsSyncFault: () => false,
  userEventsFixupFailed: () => 'giveup',
  // uffd-wp-shmem baselines, wp-bit-in-pte and faultaround-all: the bit lives only in the pte.
  uffdWpZapMarker: () => false,
  uffdWpFileNone: () => false,
  uffdWpForkCopy: () => false,
  uffdWpWritenotify: () => false,
  uffdWpRecord: () => {},
  uffdWpFileFault: () => false,
  shouldFaultAround: () => true,
};
