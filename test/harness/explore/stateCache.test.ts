import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Scheduler } from '../../../src/core/sched/Scheduler.js';
import type { KGen, Task } from '../../../src/core/sched/Task.js';
import { Dfs } from '../../../src/harness/explore/Dfs.js';
import { explore, exploreSegment } from '../../../src/harness/explore/explore.js';
import { VisitedStates } from '../../../src/harness/explore/VisitedStates.js';
import { loadWorkloads } from '../../../src/harness/workloads.js';
import { UNBOUNDED } from '../../../src/harness/workload/types.js';
import { CONFIGS, ROOT, registry, workload } from '../../helpers.js';

/** Two threads of `k` steps each, every step writing an object of its own: executions DFS runs. */
function run(k: number, cache: boolean): { executions: number; stored: number } {
  const dfs = new Dfs(UNBOUNDED, [], cache);
  let executions = 0;
  do {
    dfs.begin();
    const s = new Scheduler(dfs, 1000);
    const body = (base: number) =>
      function* (_t: Task): KGen {
        for (let i = 0; i < k; i++) {
          s.touch((base + i) * 4 + 1);
          yield (base + i + 1) * 4;
        }
      };
    s.spawn('A', null, false, body(100));
    s.spawn('B', null, false, body(200));
    const end = s.run().kind;
    if (end !== 'pruned') {
      expect(end).toBe('done');
      executions++;
    }
  } while (dfs.advance());
  return { executions, stored: dfs.visited?.size ?? 0 };
}

describe('state caching (plain DFS with a visited set)', () => {
  it('expands each state once: independent steps in any order are one state', () => {
    // Without caching: C(8, 4) = 70 schedules. With it, one execution per way of reaching the
    // last choice point first, and at most one state per (steps of A, steps of B).
    expect(run(3, false).executions).toBe(70);
    const c = run(3, true);
    expect(c.executions).toBeLessThan(10);
    expect(c.stored).toBeLessThanOrEqual(16);
  });

  it('the visited table keeps the best budget: a state seen with more budget left is expanded again', () => {
    const v = new VisitedStates(4);
    expect(v.visit(1, 2, 1)).toBe(true);
    expect(v.visit(1, 2, 1)).toBe(false);
    expect(v.visit(1, 2, 0)).toBe(false);
    expect(v.visit(1, 2, 2)).toBe(true);
    for (let i = 0; i < 1000; i++) v.visit(i, i * 7, Infinity);
    expect(v.visit(1, 2, 2)).toBe(false);
    expect(v.size).toBe(1001);
    expect(v.hits).toBe(3);
  });

  it('results say how many states were stored; off unless asked for', () => {
    const reg = registry();
    const w = workload(`
title: two writers of one page, the child reads after both
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      a:
        - write: { at: buf, off: 0, len: 2048, fill: 0x11 }
      b:
        - write: { at: buf, off: 2048, len: 2048, fill: 0x22 }
explore: { mode: dfs, preemptions: unbounded, state_cache: true }
`);
    expect(w.explore.state_cache).toBe(true);
    const on = explore(w, reg.resolve('mapcount-reuse'));
    expect(on.exploration.complete).toBe(true);
    expect(on.exploration.statesStored).toBeGreaterThan(0);
    const off = explore(w, reg.resolve('mapcount-reuse'), { stateCache: false });
    expect(off.exploration.statesStored).toBeUndefined();
    expect(off.exploration.executions).toBeGreaterThan(on.exploration.executions);
    expect(on.verdict).toBe(off.verdict);
  });
});

describe('state caching reaches every verdict plain DFS reaches (fixed slice of configs/ and bench/)', () => {
  const reg = registry();
  const all = loadWorkloads([join(CONFIGS, 'gup-cow'), join(CONFIGS, 'gup-unlock'), join(ROOT, 'bench')], CONFIGS, reg).filter((w) => w.claim === undefined);
  it('same violated invariants on every run whose plain DFS completes within 1500 executions', () => {
    let compared = 0;
    let failing = 0;
    const differ: string[] = [];
    for (const w of all) {
      // Two of the family's candidate fixes, and a kernel the workload expects to fail.
      const names = new Set(reg.familyStrategies(w.family).slice(0, 2));
      const failer = Object.entries(w.expect ?? {}).find(([k, v]) => k !== 'default' && v.length > 0 && !v[0]!.startsWith('['));
      if (failer) names.add(failer[0]);
      for (const name of names) {
        const k = reg.resolve(name);
        const plain = exploreSegment(w, k, { mode: 'dfs', budget: 1500 });
        if (!plain.complete) continue;
        const cached = exploreSegment(w, k, { mode: 'dfs', budget: 1500, stateCache: true });
        compared++;
        const a = [...plain.best.keys()].sort().join(',');
        const b = [...cached.best.keys()].sort().join(',');
        if (a !== '') failing++;
        if (a !== b || !cached.complete || cached.executions > plain.executions) differ.push(`${w.id} on ${name}: DFS [${a}], cached [${b}]${cached.complete ? '' : ' incomplete'}`);
      }
    }
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(40);
    expect(failing).toBeGreaterThan(10);
  }, 120_000);
  it('counterexamples are as small as plain DFS\'s (what a cached run found is also shrunk, as DPOR\'s is)', () => {
    let n = 0;
    for (const w of all) {
      const failer = Object.entries(w.expect ?? {}).find(([k, v]) => k !== 'default' && v.length > 0 && !v[0]!.startsWith('['));
      if (!failer || n >= 6) continue;
      const k = reg.resolve(failer[0]);
      if (!exploreSegment(w, k, { mode: 'dfs', budget: 800 }).complete) continue;
      const plain = explore(w, k, { mode: 'dfs', budget: 800 });
      const cached = explore(w, k, { mode: 'dfs', budget: 800, stateCache: true });
      for (const v of plain.violations) {
        const c = cached.violations.find((x) => x.invariant === v.invariant)!;
        n++;
        expect([w.id, c.preemptions, c.steps]).toEqual([w.id, v.preemptions, v.steps]);
      }
    }
    expect(n).toBeGreaterThan(3);
  }, 120_000);

  it('with no bound (where a state is expanded exactly once): same verdicts on every configs/ run whose unbounded DFS completes within 600 executions', () => {
    const every = loadWorkloads([CONFIGS], CONFIGS, reg).filter((w) => w.claim === undefined);
    let compared = 0;
    let failing = 0;
    let fewer = 0;
    const differ: string[] = [];
    for (const w of every) {
      const failer = Object.entries(w.expect ?? {}).find(([k, v]) => k !== 'default' && v.length > 0 && !v[0]!.startsWith('['));
      for (const name of new Set([reg.familyStrategies(w.family)[0]!, ...(failer ? [failer[0]] : [])])) {
        const k = reg.resolve(name);
        const plain = exploreSegment(w, k, { mode: 'dfs', budget: 600, preemptions: UNBOUNDED });
        if (!plain.complete) continue;
        const cached = exploreSegment(w, k, { mode: 'dfs', budget: 600, preemptions: UNBOUNDED, stateCache: true });
        compared++;
        const a = [...plain.best.keys()].sort().join(',');
        const b = [...cached.best.keys()].sort().join(',');
        if (a !== '') failing++;
        if (cached.executions < plain.executions) fewer++;
        if (a !== b || !cached.complete) differ.push(`${w.id} on ${name}: DFS [${a}], cached [${b}]${cached.complete ? '' : ' incomplete'}`);
      }
    }
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(15);
    expect(failing).toBeGreaterThan(2);
    expect(fewer).toBeGreaterThan(10);
  }, 120_000);
});

describe('asking for state caching where it does not apply is bad input', () => {
  const yaml = (explore: string, extra = '') => `
title: one writer
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      a:
        - write: { at: buf, fill: 0x11 }
explore: ${explore}
${extra}`;

  it('explore.state_cache needs mode: dfs (stateful DPOR is not built), naming the line', () => {
    expect(() => workload(yaml('{ state_cache: true }'))).toThrow(/inline\.yaml:9:\d+: explore\.state_cache caches states for plain DFS: it needs mode: dfs \(got exhaustive/);
    expect(() => workload(yaml('{ mode: pct, state_cache: true }'))).toThrow(/needs mode: dfs \(got pct/);
    expect(workload(yaml('{ mode: dfs, state_cache: true }')).explore.state_cache).toBe(true);
    expect(workload(yaml('{ mode: dfs }')).explore.state_cache).toBe(false);
  });
});
