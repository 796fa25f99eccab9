/**
 * Per-execution cost counters. The names are fixed by the contract (results.json `cost`); a family
 * may add more. Plain fields, bumped in place: the inner loop must not allocate.
 *
 * Time is in ticks (see Task.clock): a thread's step is one tick, a device transfer `timing.io`
 * ticks, a page copy `timing.copy` ticks. Waits are measured on the happens-before order, so they
 * are the same for every interleaving of one trace. The contract names that say "Steps" (and the
 * older family extras) are ticks too: with the default timing a tick is one step of one thread.
 * Every counter is counted where the kernel does the work, never by a strategy, so that it means the
 * same under every strategy (docs/cost.md).
 */
export class Stats {
  /** Pages copied (copy_user_highpage): COW breaks, fork copies, UFFDIO_COPY. */
  pageCopies = 0;
  /** Pages taken from the allocator (the zero page excluded). */
  pagesAllocated = 0;
  /** Most pages allocated at once. */
  peakPages = 0;
  /** handle_mm_fault() calls, from the CPU or from GUP. */
  faults = 0;
  /** Faults repeated after VM_FAULT_RETRY, and GUP rounds repeated after dropping mmap_lock. */
  faultRetries = 0;
  /** get_user_pages / pin_user_pages calls (fast or slow). */
  gupCalls = 0;
  /** Lock acquisitions, every lock (mmap_lock, PTL, page lock, event_mutex, a strategy's own). */
  lockAcquires = 0;
  /** Longest hold of any mmap_lock, in ticks. */
  mmapLockMaxHoldSteps = 0;
  /** Longest a thread waited to take an mmap_lock for writing, in ticks. */
  mmapWriterWaitSteps = 0;
  /** TLB flushes (one per flush call, whatever its range). */
  tlbFlushes = 0;
  /** System calls the workload made (ioctls included). */
  syscalls = 0;
  /** Scheduler steps of all threads. */
  steps = 0;
  /** Pages that fork copied instead of sharing. */
  forkCopies = 0;
  /** Longest fork() waited to start copying (behind mmap_lock writers, I/O, or a strategy's lock), in ticks. */
  forkWaitSteps = 0;
  swapIns = 0;
  swapOuts = 0;
  /** user_events: ticks tracers (user_events_set) waited for event_mutex, summed over tracers. */
  tracerWaitSteps = 0;
  /** user_events: the longest event_mutex was held, in ticks (every tracer arriving meanwhile waits). */
  eventMutexMaxHoldTicks = 0;
  /**
   * user_events: faults (handle_mm_fault) run to make an enable word writable, by whoever ran them:
   * the registering ioctl, a tracer's synchronous fault, or the async worker.
   */
  enablerFaults = 0;
  /** Wakeups that were not the event slept for (explored, or a late rwsem wake_q entry). */
  spuriousWakeups = 0;
  /** Userfault messages queued (UFFD_EVENT_PAGEFAULT). */
  uffdMessages = 0;
  /** Userfault messages queued for a page the monitor already had an unresolved message for. */
  uffdDuplicateMsgs = 0;
  /** uffd-wp-shmem: read faults that went to ->fault (shmem_fault), not satisfied by fault-around. */
  readFaults = 0;
  /** uffd-wp-shmem: neighbouring pages that read fault-around mapped. */
  faultAroundPages = 0;
  /** uffd-wp-shmem: pte markers installed (each keeps its page table alive). */
  pteMarkers = 0;
  /** uffd-wp-shmem: bytes of per-VMA uffd-wp bitmaps allocated (vma-bitmap), splits and fork included. */
  uffdWpBitmapBytes = 0;
  /**
   * uffd-wp-shmem: most bytes held at once to remember write protection outside present ptes: live
   * vma-bitmap bitmaps, plus a page-table page (PAGE_SIZE bytes) for every page table that holds
   * uffd-wp markers and nothing else (it would otherwise be empty).
   */
  uffdWpMetadataBytes = 0;
  /** Ticks any thread waited for a lock another thread held, summed over threads. */
  lockWaitTicks = 0;
  /** The part of lockWaitTicks spent waiting for an mmap_lock. */
  mmapLockWaitTicks = 0;
  /** Ticks threads waited for device I/O: O_DIRECT completion, a synchronous swap read. */
  ioWaitTicks = 0;
  /** Device operations: DMA transfers (one per chunk), swap reads and swap writes. */
  ioOps = 0;
  /** Processes the kernel killed (force_sig SIGKILL on a user_events fault, ...). */
  processesKilled = 0;
  /** The longest any thread's time ran: the workload's makespan in ticks. */
  makespanTicks = 0;
}

export type CostName = Exclude<keyof Stats, never>;

export const COST_NAMES: readonly CostName[] = Object.keys(new Stats()) as CostName[];
