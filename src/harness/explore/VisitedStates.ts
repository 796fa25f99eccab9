/**
 * The states a stateful search has expanded (StateHash keys, 64 bits each), with the preemption
 * budget each was expanded with: a state seen again is skipped only if it was expanded with at
 * least as much budget left (with no bound, every budget is Infinity and a state is expanded once).
 *
 * Open addressing in typed arrays: 16 bytes a state, no object per entry, so millions of states
 * stay in tens of megabytes (Spin stores whole state vectors; this stores their hashes).
 */
export class VisitedStates {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private budget: Float64Array;
  private used: Uint8Array;
  private mask: number;
  /** States stored. */
  size = 0;
  /** Points skipped because their state was expanded already. */
  hits = 0;

  constructor(capacity = 1 << 12) {
    let c = 16;
    while (c < capacity * 2) c *= 2;
    this.hi = new Uint32Array(c);
    this.lo = new Uint32Array(c);
    this.budget = new Float64Array(c);
    this.used = new Uint8Array(c);
    this.mask = c - 1;
  }

  /**
   * Reaching state (hi, lo) with `left` preemptions to spend: true if it must be expanded (it is
   * then recorded as expanded with `left`), false if an expansion with as much or more covered it.
   */
  visit(hi: number, lo: number, left: number): boolean {
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      if (this.used[i] === 0) break;
      if (this.hi[i] === hi >>> 0 && this.lo[i] === lo >>> 0) {
        if (this.budget[i]! >= left) {
          this.hits++;
          return false;
        }
        this.budget[i] = left;
        return true;
      }
      i = (i + 1) & this.mask;
    }
    this.used[i] = 1;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.budget[i] = left;
    this.size++;
    if (this.size * 2 > this.mask) this.grow();
    return true;
  }

  private grow(): void {
    const { hi, lo, budget, used } = this;
    const c = (this.mask + 1) * 2;
    this.hi = new Uint32Array(c);
    this.lo = new Uint32Array(c);
    this.budget = new Float64Array(c);
    this.used = new Uint8Array(c);
    this.mask = c - 1;
    for (let j = 0; j < used.length; j++) {
      if (used[j] === 0) continue;
      let i = (lo[j]! ^ Math.imul(hi[j]!, 0x9e3779b1)) & this.mask;
      while (this.used[i] !== 0) i = (i + 1) & this.mask;
      this.used[i] = 1;
      this.hi[i] = hi[j]!;
      this.lo[i] = lo[j]!;
      this.budget[i] = budget[j]!;
    }
  }
}
