import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../src/core/sched/Scheduler.js';
import type { KGen, Task } from '../../../src/core/sched/Task.js';
import { Dfs } from '../../../src/harness/explore/Dfs.js';
import { explore } from '../../../src/harness/explore/explore.js';
import { UNBOUNDED } from '../../../src/harness/workload/types.js';
import { registry, workload } from '../../helpers.js';

/** Two threads of `k` independent steps each: every interleaving is a distinct schedule. */
function interleavings(bound: number, k: number): number {
  const dfs = new Dfs(bound);
  let n = 0;
  do {
    dfs.begin();
    const s = new Scheduler(dfs, 1000);
    const body = function* (_t: Task): KGen {
      for (let i = 0; i < k; i++) yield s.newObject() * 4 + 1;
    };
    s.spawn('A', null, false, body);
    s.spawn('B', null, false, body);
    expect(s.run().kind).toBe('done');
    n++;
  } while (dfs.advance());
  return n;
}

const reg = registry();
const racy = (preemptions: string) =>
  workload(`
title: two writers of one page, the child reads after both
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      a:
        - write: { at: buf, off: 0, len: 2048, fill: 0x11 }
      b:
        - write: { at: buf, off: 2048, len: 2048, fill: 0x22 }
explore: { mode: dfs, preemptions: ${preemptions} }
`);

describe('preemptions: unbounded', () => {
  it('enumerates every interleaving: C(2k, k) schedules of two threads of k steps', () => {
    // 3 steps + the return each: C(8, 4) = 70.
    expect(interleavings(UNBOUNDED, 3)).toBe(70);
    // A bound cuts some of them off.
    expect(interleavings(1, 3)).toBeLessThan(70);
  });

  it('loads from YAML, and results name the bound `unbounded`', () => {
    const w = racy('unbounded');
    expect(w.explore.preemptions).toBe(UNBOUNDED);
    const r = explore(w, reg.resolve('mapcount-reuse'));
    expect(r.exploration.complete).toBe(true);
    expect(r.exploration.preemptions).toBe('unbounded');
    expect(JSON.parse(JSON.stringify(r.exploration)).preemptions).toBe('unbounded');
  });

  it('covers at least what any bound covers', () => {
    const unbounded = explore(racy('unbounded'), reg.resolve('mapcount-reuse'));
    const bounded = explore(racy('8'), reg.resolve('mapcount-reuse'));
    expect(unbounded.exploration.executions).toBeGreaterThanOrEqual(bounded.exploration.executions);
  });
});
