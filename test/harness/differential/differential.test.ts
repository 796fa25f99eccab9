import { describe, expect, it } from 'vitest';
import { FAMILIES, generate } from '../../../src/harness/differential/generate.js';
import { runDifferential } from '../../../src/harness/differential/run.js';
import { parseWorkload } from '../../../src/harness/workload/load.js';
import { registry } from '../../helpers.js';

describe('the workload generator', () => {
  const reg = registry();

  it('makes the same workload from the same seed', () => {
    expect(generate(42).yaml).toBe(generate(42).yaml);
    expect(generate(42).yaml).not.toBe(generate(43).yaml);
  });

  it('draws from all five families, and every workload it makes loads', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      const g = generate(seed);
      seen.add(g.family);
      expect(() => parseWorkload(g.yaml, `generated/${seed}.yaml`, `generated/${seed}`, reg)).not.toThrow();
    }
    expect([...seen].sort()).toEqual([...FAMILIES].sort());
  });
});

describe('the differential tester (fixed-seed slice; `npm run test:differential` runs thousands)', () => {
  const reg = registry();
  for (const family of FAMILIES) {
    it(`${family}: DPOR and DFS agree, every trace class has one verdict, sampling finds nothing more`, () => {
      const s = runDifferential(reg, { from: 1000, count: 4, budget: 3000, samples: 50, strategies: 2, family });
      expect(s.rejected).toEqual([]);
      expect(s.disagreements).toEqual([]);
      expect(s.runs - s.incomplete).toBeGreaterThan(0);
    });
  }
});
