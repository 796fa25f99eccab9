import { describe, expect, it } from 'vitest';
import { planRuns, runPlans } from '../src/harness/Runner.js';
import { loadWorkloads } from '../src/harness/workloads.js';
import { CONFIGS, registry } from './helpers.js';

/**
 * Every `expect:` in configs/ holds: each workload against every strategy of its family and every
 * kernel timeline. The expectations were worked out from the kernel's history; this is where the
 * simulation is held to them.
 */
const reg = registry();
const workloads = loadWorkloads([CONFIGS], CONFIGS, reg);

describe('every expectation in configs/ holds', () => {
  it('every workload carries refs and an expect entry', () => {
    expect(workloads.length).toBeGreaterThan(10);
    for (const w of workloads) {
      expect(w.refs.length, w.id).toBeGreaterThan(0);
      expect(w.expect, w.id).not.toBeNull();
    }
  });

  for (const w of workloads) {
    it(w.id, () => {
      const runs = runPlans(planRuns([w], reg));
      const mismatches = runs
        .filter((r) => r.matchesExpected !== true)
        .map((r) => `${r.strategy}: expected ${r.expected?.join(',') || 'pass'}, got ${r.verdict === 'error' ? `error ${r.error}` : r.violations.map((v) => v.invariant).join(',') || 'pass'}`);
      expect(mismatches).toEqual([]);
      for (const r of runs) expect(r.exploration.complete, `${r.strategy} exploration complete`).toBe(true);
    }, 900_000);
  }
});

describe('the seed history comes out of the simulation', () => {
  const verdict = (id: string, s: string) => {
    const w = workloads.find((x) => x.id === id)!;
    return runPlans(planRuns([w], reg, { strategies: [s] }))[0]!.violations.map((v) => v.invariant).sort();
  };
  it('bug 1: mapcount-reuse loses the O_DIRECT read and leaks it to the child; fork-copy does not', () => {
    expect(verdict('gup-cow/bug1-dio-read-get', 'mapcount-reuse')).toEqual(['cross-process-leak', 'lost-dio-read']);
    expect(verdict('gup-cow/bug1-dio-read-get', 'fork-copy')).toEqual([]);
  });
  it('bug 2: caught under mapcount-reuse, fixed by gup-decow and by refcount-reuse', () => {
    expect(verdict('gup-cow/bug2-dio-write-get', 'mapcount-reuse')).toEqual(['cross-process-leak']);
    expect(verdict('gup-cow/bug2-dio-write-get', 'gup-decow')).toEqual([]);
    expect(verdict('gup-cow/bug2-dio-write-get', 'refcount-reuse')).toEqual([]);
  });
});
