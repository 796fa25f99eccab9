import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { planRuns, resultsFile, runPlans, runPlansParallel } from '../src/harness/Runner.js';
import { renderMarkdown, renderSummaryMarkdown } from '../src/harness/report/markdown.js';
import { loadWorkloads } from '../src/harness/workloads.js';
import { CONFIGS, ROOT, registry } from './helpers.js';

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

  // The runs go to worker threads running the built dist/ (npm test builds before vitest starts),
  // with CONFIG_DEBUG_VM on: the model must stay consistent after every step of every schedule.
  const all = runPlansParallel(planRuns(workloads, reg), availableParallelism(), join(CONFIGS, 'kernels.yaml'), { checkModel: true }, pathToFileURL(join(ROOT, 'dist/src/harness/parallel/worker.js')));
  all.catch(() => {}); // a failure shows in each test that awaits it
  for (const w of workloads) {
    it(w.id, async () => {
      const runs = (await all).filter((r) => r.workload === w.id);
      const mismatches = runs
        .filter((r) => r.matchesExpected !== true)
        .map((r) => `${r.strategy}: expected ${r.expected?.join(',') || 'pass'}, got ${r.verdict === 'error' ? `error ${r.error}` : r.verdict === 'skip' ? `skip (${r.skip})` : r.violations.map((v) => v.invariant).join(',') || 'pass'}`);
      expect(mismatches).toEqual([]);
      // A kernel that lacks a feature the workload needs explores nothing; every other run explores all.
      for (const r of runs) {
        if (r.verdict === 'skip') expect(r.exploration.executions, `${r.strategy} skipped`).toBe(0);
        else expect(r.exploration.complete, `${r.strategy} exploration complete`).toBe(true);
      }
    }, 900_000);
  }

  // The default comparison, as `npm start` runs it: its reports are for people, and report.md goes
  // into pull-request comments and CI step summaries (GitHub caps a step summary at 1 MiB).
  it('report.md of the default comparison stays under 1 MiB, summary.md under 64 KiB', async () => {
    const results = resultsFile(await all, 1, '');
    expect(Buffer.byteLength(renderMarkdown(results))).toBeLessThan(1024 * 1024);
    expect(Buffer.byteLength(renderSummaryMarkdown(results))).toBeLessThan(64 * 1024);
    for (const r of results.runs) for (const v of r.violations) expect(v.executions, `${r.workload} × ${r.strategy}`).toBeGreaterThan(0);
  }, 900_000);
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
  it("bug 1 with gup: left to the kernel: lost on v5.19 (FOLL_GET O_DIRECT), not on v6.5 (FOLL_PIN, a7e689dd1c06); an explicit gup: get keeps FOLL_GET", () => {
    expect(verdict('gup-cow/bug1-dio-read', 'v5.19')).toEqual(['cross-process-leak', 'lost-dio-read']);
    expect(verdict('gup-cow/bug1-dio-read', 'v6.5')).toEqual([]);
    expect(verdict('gup-cow/bug1-dio-read-get', 'v6.5')).toEqual(['cross-process-leak', 'lost-dio-read']);
    // A candidate is a design point, not a release: the baseline's FOLL_GET, unless it composes dio-foll-pin.
    expect(verdict('gup-cow/bug1-dio-read', 'anon-exclusive')).toEqual(['cross-process-leak', 'lost-dio-read']);
    expect(verdict('gup-cow/bug1-dio-read', 'anon-exclusive+dio-foll-pin')).toEqual([]);
  });
  it('bug 2: caught under mapcount-reuse, fixed by gup-decow and by refcount-reuse', () => {
    expect(verdict('gup-cow/bug2-dio-write-get', 'mapcount-reuse')).toEqual(['cross-process-leak']);
    expect(verdict('gup-cow/bug2-dio-write-get', 'gup-decow')).toEqual([]);
    expect(verdict('gup-cow/bug2-dio-write-get', 'refcount-reuse')).toEqual([]);
  });
});
