/** The invariant ids of the contract, with what violating each means. */
export const INVARIANTS = {
  'lost-dio-read': "data that a process's own O_DIRECT read / R/W pin DMA'd into its memory is not visible to it afterwards",
  'cross-process-leak': 'a process observes (by CPU read, DMA, or pipe) data written after fork by another process',
  'pin-incoherent': 'a pinned page is no longer the page the pinning process maps at that address (device and CPU views diverge)',
  'spurious-sigbus': "SIGBUS, SIGSEGV or -EFAULT that the workload's semantics do not justify",
  'mmap-lock-held-in-userfault': 'a thread blocks waiting on userspace (a userfault) while holding mmap_lock',
  'missed-wp-fault': 'a write to a uffd write-protected address completes without a write-protect userfault',
  'missed-userfault': 'an access that must raise a userfault (missing/minor) in the registering mm completes without one',
  'user-memory-corruption': 'the kernel wrote user memory it had no right to (wrong bit, wrong word, wrong process)',
  'stale-enable-bit': "at quiescence, a user_events enable bit in mapped writable memory disagrees with the event's state",
  livelock: 'a thread exceeds the step bound or retries without progress',
  deadlock: 'no thread can run and some have not finished',
  'kernel-bug': 'a model assertion fails (BUG_ON/WARN_ON, refcount or mapcount inconsistency, page leaked at teardown)',
  'unexpected-error': 'a syscall returns an error the workload does not allow',
} as const;

export type InvariantId = keyof typeof INVARIANTS;

export const INVARIANT_IDS = Object.keys(INVARIANTS) as InvariantId[];

export function isInvariant(s: string): s is InvariantId {
  return Object.prototype.hasOwnProperty.call(INVARIANTS, s);
}

export interface Violation {
  invariant: InvariantId;
  message: string;
  /** Scheduler step at which it was detected (for highlighting the trace). */
  step: number;
}
