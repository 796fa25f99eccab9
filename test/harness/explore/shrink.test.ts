import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explore, replayExecution } from '../../../src/harness/explore/explore.js';
import { decodeToken } from '../../../src/harness/replayToken.js';
import { loadWorkloadFile } from '../../../src/harness/workload/load.js';
import { CONFIGS, registry } from '../../helpers.js';

const reg = registry();
const bug1 = loadWorkloadFile(join(CONFIGS, 'gup-cow/bug1-dio-read-get.yaml'), 'gup-cow/bug1-dio-read-get', reg);

describe('counterexamples from random and PCT exploration', () => {
  for (const mode of ['random', 'pct'] as const) {
    it(`${mode}: shrunk, and still violate their invariant when replayed`, () => {
      // The bound below is a property of the sample: with fork's write-protect window and the
      // chunked COW copy, random seed 3 meets lost-dio-read only on a 3-preemption path that
      // dropping departures one at a time cannot leave (exhaustive search finds it with none).
      const r = explore(bug1, reg.resolve('mapcount-reuse'), { mode, budget: 200, seed: mode === 'random' ? 1 : 3 });
      expect(r.violations.length).toBeGreaterThan(0);
      expect(r.exploration.complete).toBe(false);
      for (const v of r.violations) {
        const t = decodeToken(v.replay)!;
        const rp = replayExecution(bug1, reg.resolve(t.strategy), t.plan);
        expect(rp.result.violations.map((x) => x.invariant)).toContain(v.invariant);
        expect(rp.preemptions).toBe(v.preemptions);
        expect(v.preemptions).toBeLessThanOrEqual(2);
      }
    });
  }

  it('exhaustive search reports the counterexample with the fewest preemptions', () => {
    const r = explore(bug1, reg.resolve('mapcount-reuse'));
    // Bug 1 needs no preemption at all: blocking in dio_wait hands the CPU to the forker.
    expect(r.violations.map((v) => v.preemptions)).toEqual([0, 0]);
  });
});
