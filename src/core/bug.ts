/** A model assertion (BUG_ON / VM_BUG_ON / WARN_ON) failed: judged as the kernel-bug invariant. */
export class KernelBug extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelBug';
  }
}

export function BUG_ON(cond: boolean, what: string): void {
  if (cond) throw new KernelBug(what);
}

/**
 * A thread retries without progress (the contract's second livelock case), detected by the model
 * itself rather than by the step bound, e.g. a work item re-queueing itself for ever.
 */
export class Livelock extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Livelock';
  }
}
