import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SPLIT_AFTER, explore } from '../../src/harness/explore/explore.js';
import type { RunResult } from '../../src/harness/results.js';
import { mergeResults } from '../../src/harness/shard.js';
import { combineParts } from '../../src/harness/splitRun.js';
import { loadWorkloadFile } from '../../src/harness/workload/load.js';
import { ROOT, registry } from '../helpers.js';

const reg = registry();
// Bug 1 scaled (bench/): at bound 1 a few thousand DFS executions, enough to split.
const bug1 = loadWorkloadFile(join(ROOT, 'bench/bug1-n4-w2.yaml'), 'bench/bug1-n4-w2', reg);
const opts = { mode: 'dfs' as const, preemptions: 1 };

/** Everything but the wall-clock time. */
function timeless(r: RunResult): RunResult {
  const c = structuredClone(r);
  c.exploration.ms = 0;
  return c;
}

describe('one run split over shards (--shard I/N on a single run)', () => {
  const kernel = reg.resolve('mapcount-reuse');
  const whole = explore(bug1, kernel, opts);

  it('is large enough to split', () => {
    expect(whole.exploration.executions).toBeGreaterThan(SPLIT_AFTER);
    expect(whole.exploration.complete).toBe(true);
  });

  const partsOf = (count: number) => Array.from({ length: count }, (_, i) => explore(bug1, kernel, { ...opts, part: { index: i + 1, count } }));
  const halves = partsOf(2);

  for (const count of [2, 3]) {
    it(`${count} parts add up to exactly the unsplit run: executions, costs, outcomes, counterexamples`, () => {
      const parts = count === 2 ? halves : partsOf(count);
      // Each part explores only its share; none of them alone is the whole.
      for (const p of parts) expect(p.exploration.executions).toBeLessThan(whole.exploration.executions);
      expect(timeless(combineParts(parts))).toEqual(timeless(whole));
    });
  }

  it('faultline merge joins the parts of split shards, and refuses a missing part', () => {
    const shard = (index: number) => ({
      name: `shard-${index}`,
      results: { faultline: 1 as const, seed: 1, startedAt: `2026-01-0${index}`, runs: [halves[index - 1]!], shard: { index, count: 2, total: 1, positions: [0], split: true as const } },
    });
    const merged = mergeResults([shard(2), shard(1)]);
    expect(merged.runs.map(timeless)).toEqual([timeless(whole)]);
    expect(() => mergeResults([shard(1)])).toThrow(/missing/);
  });
});
