/**
 * A scheduling point is described by one number: the object a thread is about to touch and how.
 * Encoding it as `obj * 4 + kind` keeps the scheduler's inner loop allocation-free while giving
 * partial-order reduction what it needs (two points conflict when they touch the same object and
 * at least one of them is not a read).
 */
export const READ = 0;
export const WRITE = 1;
export const LOCK = 2;
export const BLOCK = 3;

export type AccessKind = typeof READ | typeof WRITE | typeof LOCK | typeof BLOCK;

export function access(obj: number, kind: AccessKind): number {
  return obj * 4 + kind;
}

export function accessObj(a: number): number {
  return Math.floor(a / 4);
}

export function accessKind(a: number): AccessKind {
  return (a & 3) as AccessKind;
}

/** Two scheduling points are dependent when they touch one object and do not both only read it. */
export function conflicts(a: number, b: number): boolean {
  if (a < 0 || b < 0) return false;
  return accessObj(a) === accessObj(b) && ((a & 3) !== READ || (b & 3) !== READ);
}
