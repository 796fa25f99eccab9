import { describe, expect, it } from 'vitest';
import { Stats } from '../../../src/core/stats.js';
import { CostAccumulator } from '../../../src/harness/explore/CostAccumulator.js';
import { summarize } from '../../../src/harness/results.js';

const stats = (pageCopies: number) => Object.assign(new Stats(), { pageCopies });

describe('cost summaries', () => {
  it('agree with sorting every value', () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    const acc = new CostAccumulator();
    for (const v of values) acc.add(stats(v));
    expect(acc.summary().pageCopies).toEqual(summarize(values));
    expect(acc.summary().pageCopies).toEqual({ min: 1, median: 4, max: 9 });
  });

  it('merge like one accumulator over all executions', () => {
    const a = new CostAccumulator();
    const b = new CostAccumulator();
    const all = new CostAccumulator();
    [1, 2, 2].forEach((v) => (a.add(stats(v)), all.add(stats(v))));
    [7, 8].forEach((v) => (b.add(stats(v)), all.add(stats(v))));
    a.merge(b);
    expect(a.summary()).toEqual(all.summary());
    expect(a.summary().pageCopies).toEqual({ min: 1, median: 2, max: 8 });
  });
});
