import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explore, replayExecution } from '../../../src/harness/explore/explore.js';
import { decodeToken } from '../../../src/harness/replayToken.js';
import { judgeExpected } from '../../../src/harness/Runner.js';
import { loadWorkloadFile } from '../../../src/harness/workload/load.js';
import { CONFIGS, registry } from '../../helpers.js';

const reg = registry();
const bug1 = loadWorkloadFile(join(CONFIGS, 'gup-cow/bug1-dio-read-get.yaml'), 'gup-cow/bug1-dio-read-get', reg);

describe('--bail: stop each run at its first violation', () => {
  for (const mode of ['dfs', 'exhaustive'] as const) {
    it(`${mode}: stops at the first violating execution, reports it minimised and replayable, and is not complete`, () => {
      const full = explore(bug1, reg.resolve('mapcount-reuse'), { mode });
      const r = explore(bug1, reg.resolve('mapcount-reuse'), { mode, stopAtFirst: true });
      expect(r.exploration.bailed).toBe(true);
      expect(r.exploration.complete).toBe(false);
      expect(r.exploration.executions).toBeLessThan(full.exploration.executions);
      expect(r.violations.length).toBeGreaterThan(0);
      for (const v of r.violations) {
        const rp = replayExecution(bug1, reg.resolve('mapcount-reuse'), decodeToken(v.replay)!.plan);
        expect(rp.result.violations.map((x) => x.invariant)).toContain(v.invariant);
        expect(rp.preemptions).toBe(v.preemptions);
      }
    });
  }

  it('a run without violations explores everything and is complete', () => {
    const r = explore(bug1, reg.resolve('fork-copy'), { stopAtFirst: true });
    expect(r.verdict).toBe('pass');
    expect(r.exploration.complete).toBe(true);
    expect(r.exploration.bailed).toBeUndefined();
  });

  it('a bailed run matches its expect when what it found is expected', () => {
    const r = explore(bug1, reg.resolve('mapcount-reuse'), { stopAtFirst: true });
    judgeExpected(r, ['cross-process-leak', 'lost-dio-read']);
    expect(r.matchesExpected).toBe(true);
    judgeExpected(r, []);
    expect(r.matchesExpected).toBe(false);
    judgeExpected(r, ['kernel-bug']);
    expect(r.matchesExpected).toBe(false);
  });
});
