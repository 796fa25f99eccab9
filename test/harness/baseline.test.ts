import { describe, expect, it } from 'vitest';
import { baselineOf, compareWithBaseline } from '../../src/harness/baseline.js';
import { results, run, violation } from './report/fixtures.js';

const incomplete = { mode: 'exhaustive', executions: 5, complete: false, steps: 50, ms: 1 };

describe('compareWithBaseline', () => {
  const base = results([
    run('f/a', 's', { violations: [violation('lost-dio-read')] }),
    run('f/a', 't'),
    run('f/b', 's'),
    run('f/b', 't', { violations: [violation('kernel-bug')] }),
  ]);

  it('finds nothing in an identical run, whatever its timings', () => {
    const again = structuredClone(base);
    again.startedAt = '2030-01-01T00:00:00.000Z';
    for (const r of again.runs) r.exploration.ms = 999;
    expect(compareWithBaseline(again, base)).toEqual({ regressions: [], improvements: [], compared: 4, unknown: 0 });
  });

  it('calls a newly violated invariant, a crash and a no longer complete exploration regressions', () => {
    const now = results([
      run('f/a', 's', { violations: [violation('lost-dio-read'), violation('cross-process-leak', { replay: 'f/a~s~1.1' })] }),
      run('f/a', 't', { verdict: 'error', error: 'boom', errorReplay: 'f/a~t~0' }),
      run('f/b', 's', { exploration: incomplete }),
      run('f/b', 't', { violations: [violation('kernel-bug')] }),
    ]);
    const c = compareWithBaseline(now, base);
    expect(c.regressions.map((r) => [r.workload, r.strategy, r.why, r.replay])).toEqual([
      ['f/a', 's', 'newly violates cross-process-leak', 'f/a~s~1.1'],
      ['f/a', 't', 'now crashes', 'f/a~t~0'],
      ['f/b', 's', 'exploration no longer complete (5 executions, baseline 10)', undefined],
    ]);
    expect(c.regressions[2]!.got).toBe('pass (incomplete)');
  });

  it('reports improvements and runs the baseline lacks without failing on them', () => {
    const now = results([run('f/b', 't'), run('f/c', 's', { violations: [violation('livelock')] })]);
    const c = compareWithBaseline(now, base);
    expect(c.regressions).toEqual([]);
    expect(c.improvements.map((r) => r.why)).toEqual(['no longer violates kernel-bug']);
    expect(c).toMatchObject({ compared: 1, unknown: 1 });
  });
});

describe('baselineOf', () => {
  it('drops timings so an unchanged baseline regenerates byte for byte', () => {
    const a = results([run('f/a', 's')]);
    const b = structuredClone(a);
    b.startedAt = 'later';
    b.runs[0]!.exploration.ms = 42;
    expect(JSON.stringify(baselineOf(a))).toBe(JSON.stringify(baselineOf(b)));
    expect(baselineOf(a).runs[0]!.exploration.ms).toBe(0);
  });

  it('updates the runs of a partial run in place and keeps the rest', () => {
    const old = results([run('f/a', 's'), run('f/b', 's')]);
    const now = results([run('f/b', 's', { violations: [violation('livelock')] }), run('f/c', 's')]);
    const b = baselineOf(now, old);
    expect(b.runs.map((r) => `${r.workload}:${r.verdict}`)).toEqual(['f/a:pass', 'f/b:fail', 'f/c:pass']);
  });
});
