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
