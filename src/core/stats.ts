/**
 * Per-execution cost counters. The names are fixed by the contract (results.json `cost`); a family
 * may add more. Plain fields, bumped in place: the inner loop must not allocate.
 */
export class Stats {
  pageCopies = 0;
  pagesAllocated = 0;
  peakPages = 0;
  faults = 0;
  faultRetries = 0;
  gupCalls = 0;
  lockAcquires = 0;
  mmapLockMaxHoldSteps = 0;
  mmapWriterWaitSteps = 0;
  tlbFlushes = 0;
  syscalls = 0;
  steps = 0;
  /** Pages that fork copied instead of sharing. */
  forkCopies = 0;
  /** Longest fork() waited to start copying (behind mmap_lock writers, I/O, or a strategy's lock). */
  forkWaitSteps = 0;
  swapIns = 0;
  swapOuts = 0;
  /** user_events: steps tracers (user_events_set) waited for event_mutex, summed. */
  tracerWaitSteps = 0;
  /** user_events: fault-ins the async worker (or a synchronous fault) ran for an enable write. */
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
}

export type CostName = Exclude<keyof Stats, never>;

export const COST_NAMES: readonly CostName[] = Object.keys(new Stats()) as CostName[];
