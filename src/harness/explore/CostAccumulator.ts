import { COST_NAMES, type Stats } from '../../core/stats.js';
import type { CostSummary } from '../results.js';

/**
 * min / median / max of every cost metric over a run's executions. Costs are small integers that
 * repeat a lot, so a histogram per metric replaces an array of every value and a sort.
 */
export class CostAccumulator {
  private readonly hist: Map<number, number>[] = COST_NAMES.map(() => new Map());
  private n = 0;

  add(s: Stats): void {
    const st = s as unknown as Record<string, number>;
    for (let i = 0; i < COST_NAMES.length; i++) {
      const h = this.hist[i]!;
      const v = st[COST_NAMES[i]!]!;
      h.set(v, (h.get(v) ?? 0) + 1);
    }
    this.n++;
  }

  /** A structured-clone-friendly form, to come back from a worker thread. */
  toData(): { n: number; hist: [number, number][][] } {
    return { n: this.n, hist: this.hist.map((h) => [...h]) };
  }

  static fromData(d: { n: number; hist: [number, number][][] }): CostAccumulator {
    const a = new CostAccumulator();
    a.n = d.n;
    d.hist.forEach((h, i) => {
      for (const [v, c] of h) a.hist[i]!.set(v, c);
    });
    return a;
  }

  /** Merge another accumulator (a worker's share of the same run). */
  merge(o: CostAccumulator): void {
    o.hist.forEach((h, i) => {
      const mine = this.hist[i]!;
      for (const [v, c] of h) mine.set(v, (mine.get(v) ?? 0) + c);
    });
    this.n += o.n;
  }

  summary(): Record<string, CostSummary> {
    const out: Record<string, CostSummary> = {};
    COST_NAMES.forEach((name, i) => {
      const keys = [...this.hist[i]!.keys()].sort((a, b) => a - b);
      if (keys.length === 0) {
        out[name] = { min: 0, median: 0, max: 0 };
        return;
      }
      // The lower median, as summarize() takes it: element floor((n-1)/2) of the sorted values.
      const want = Math.floor((this.n - 1) / 2);
      let seen = 0;
      let median = keys[0]!;
      for (const k of keys) {
        seen += this.hist[i]!.get(k)!;
        if (seen > want) {
          median = k;
          break;
        }
      }
      out[name] = { min: keys[0]!, median, max: keys[keys.length - 1]! };
    });
    return out;
  }
}

/** A CostAccumulator as plain data (worker messages, a split run's parts in results.json). */
export type CostData = ReturnType<CostAccumulator['toData']>;
