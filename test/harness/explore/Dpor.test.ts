import { describe, expect, it } from 'vitest';
import { READ, WRITE } from '../../../src/core/sched/Access.js';
import { FootprintLog } from '../../../src/core/sched/Footprint.js';
import { Scheduler } from '../../../src/core/sched/Scheduler.js';
import { SpinLock } from '../../../src/core/sched/SpinLock.js';
import type { KGen, Task } from '../../../src/core/sched/Task.js';
import { Dfs } from '../../../src/harness/explore/Dfs.js';
import { Dpor } from '../../../src/harness/explore/Dpor.js';
import type { Recorder } from '../../../src/harness/explore/Recorder.js';
import { traceKey } from '../../../src/harness/explore/traces.js';
import { exploreSegment } from '../../../src/harness/explore/explore.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registry, workload } from '../../helpers.js';

/**
 * A tiny shared-memory program: each thread runs a list of accesses `[variable, 'r' | 'w']`, each
 * its own step that touches only the variable it announces; reads append what they saw to the
 * thread's history, writes store the thread's name. `lock: true` runs the list under one spinlock.
 */
type Prog = { name: string; ops: [string, 'r' | 'w'][]; lock?: boolean }[];

function run(prog: Prog, chooser: Recorder) {
  const s = new Scheduler(chooser, 10_000);
  const vars = new Map<string, { obj: number; v: string }>();
  const v = (n: string) => {
    let x = vars.get(n);
    if (x === undefined) vars.set(n, (x = { obj: s.newObject(), v: '-' }));
    return x;
  };
  for (const th of prog) for (const [n] of th.ops) v(n);
  const lock = new SpinLock(s, 'lock');
  const seen: string[] = [];
  for (const th of prog) {
    s.spawn(th.name, null, false, function* (t: Task): KGen {
      if (th.lock) yield* lock.lock(t);
      const h: string[] = [];
      for (const [n, k] of th.ops) {
        const x = v(n);
        yield x.obj * 4 + (k === 'r' ? READ : WRITE);
        if (k === 'r') h.push(`${n}=${x.v}`);
        else x.v = th.name;
      }
      if (th.lock) lock.unlock(t);
      seen.push(`${th.name}:${h.join(',')}`);
    });
  }
  const end = s.run();
  // What the program computed: every thread's reads and the final memory (the order of thread
  // ends is a scheduling artefact, not an outcome).
  const outcome = [...seen].sort().join(' ') + ' | ' + [...vars].map(([n, x]) => `${n}=${x.v}`).join(',');
  return { end, outcome };
}

function exploreAll(prog: Prog, chooser: Dfs | Dpor) {
  const outcomes = new Set<string>();
  const traces = new Set<string>();
  let executions = 0;
  if (chooser instanceof Dfs) chooser.footprints = new FootprintLog();
  do {
    chooser.begin();
    const r = run(prog, chooser);
    if (r.end.kind === 'pruned') continue;
    expect(r.end.kind).toBe('done');
    executions++;
    outcomes.add(r.outcome);
    traces.add(traceKey(chooser.footprints!));
  } while (chooser.advance());
  return { outcomes, traces, executions };
}

const BIG = 50;

describe('Dpor: one execution per Mazurkiewicz trace', () => {
  it('runs threads that share nothing once, where DFS runs every interleaving', () => {
    const prog: Prog = [
      { name: 'A', ops: [['a', 'w'], ['a', 'r'], ['a', 'w']] },
      { name: 'B', ops: [['b', 'w'], ['b', 'r'], ['b', 'w']] },
      { name: 'C', ops: [['c', 'w'], ['c', 'w']] },
    ];
    const dfs = exploreAll(prog, new Dfs(BIG));
    const dpor = exploreAll(prog, new Dpor(BIG));
    expect(dfs.executions).toBeGreaterThan(100);
    expect(dfs.traces.size).toBe(1);
    expect(dpor.executions).toBe(1);
  });

  it('runs two writers of one variable in both orders, and reads that race with them in each', () => {
    const prog: Prog = [
      { name: 'A', ops: [['x', 'w'], ['y', 'r']] },
      { name: 'B', ops: [['y', 'w'], ['x', 'r']] },
      { name: 'C', ops: [['x', 'w']] },
    ];
    const dfs = exploreAll(prog, new Dfs(BIG));
    const dpor = exploreAll(prog, new Dpor(BIG));
    expect(dpor.outcomes).toEqual(dfs.outcomes);
    expect(dpor.traces).toEqual(dfs.traces);
    expect(dpor.executions).toBeLessThanOrEqual(Math.ceil(dfs.traces.size * 1.5));
  });

  it('treats reads of one variable as independent of each other', () => {
    const prog: Prog = [
      { name: 'A', ops: [['x', 'r'], ['x', 'r']] },
      { name: 'B', ops: [['x', 'r']] },
      { name: 'C', ops: [['x', 'r']] },
    ];
    expect(exploreAll(prog, new Dpor(BIG)).executions).toBe(1);
    const withWriter = exploreAll([...prog, { name: 'D', ops: [['x', 'w']] }], new Dpor(BIG));
    expect(withWriter.executions).toBeGreaterThan(1);
  });

  it('finds what DFS finds through locks: critical sections run in each order, nothing more', () => {
    const prog: Prog = [
      { name: 'A', ops: [['x', 'w'], ['x', 'r']], lock: true },
      { name: 'B', ops: [['x', 'w'], ['x', 'r']], lock: true },
      { name: 'C', ops: [['y', 'w']] },
    ];
    const dfs = exploreAll(prog, new Dfs(BIG));
    const dpor = exploreAll(prog, new Dpor(BIG));
    expect(dpor.outcomes).toEqual(dfs.outcomes);
    expect(dpor.outcomes.size).toBe(2);
    expect(dpor.traces).toEqual(dfs.traces);
    expect(dpor.executions).toBeLessThanOrEqual(Math.ceil(dfs.traces.size * 1.5));
  });

  it('reaches every outcome of a larger program, within 1.5x of its distinct traces', () => {
    const prog: Prog = [
      { name: 'A', ops: [['x', 'w'], ['y', 'w'], ['z', 'r']] },
      { name: 'B', ops: [['y', 'r'], ['z', 'w'], ['x', 'r']] },
      { name: 'C', ops: [['z', 'r'], ['x', 'w'], ['w', 'w']] },
    ];
    const dfs = exploreAll(prog, new Dfs(BIG));
    const dpor = exploreAll(prog, new Dpor(BIG));
    expect(dpor.outcomes).toEqual(dfs.outcomes);
    expect(dpor.traces).toEqual(dfs.traces);
    expect(dpor.executions).toBeLessThanOrEqual(Math.ceil(dfs.traces.size * 1.5));
    expect(dpor.executions).toBeLessThan(dfs.executions / 10);
  });
});

describe('Dpor under a preemption bound', () => {
  it('finds the lost update of an unlocked counter with one preemption, as DFS does', () => {
    const prog: Prog = [
      { name: 'A', ops: [['c', 'r'], ['c', 'w']] },
      { name: 'B', ops: [['c', 'r'], ['c', 'w']] },
    ];
    // The lost update: both threads read before either writes (one saw B's write, or neither did).
    const lost = (o: Set<string>) => [...o].some((s) => s.includes('A:c=-') && s.includes('B:c=-'));
    expect(lost(exploreAll(prog, new Dfs(0)).outcomes)).toBe(false);
    expect(lost(exploreAll(prog, new Dpor(0)).outcomes)).toBe(false);
    expect(lost(exploreAll(prog, new Dfs(1)).outcomes)).toBe(true);
    expect(lost(exploreAll(prog, new Dpor(1)).outcomes)).toBe(true);
  });
});

describe('Dpor under a preemption bound: the known gap (issue 14)', () => {
  // Bounded DPOR reaches fewer Mazurkiewicz trace classes than bounded DFS: sleep sets claim
  // schedules their sibling could not afford, and a reversal that costs a preemption is not tried
  // earlier where it would leave budget for the next one (docs/performance.md, "Where the classes
  // go"). Verdicts agree on every regression and differential slice so far; this keeps the class gap
  // in view. It fails once DPOR reaches every class: then update the docs and revisit CI's DFS
  // cross-check (and turn this into an equality).
  it('bug 2 (FOLL_GET) at its bound: DPOR reaches some but not all of the classes bounded DFS reaches, with the same verdict', () => {
    const reg = registry();
    const w = workload(readFileSync(join(import.meta.dirname, '../../../configs/gup-cow/bug2-dio-write-get.yaml'), 'utf8'), 'gup-cow/bug2-dio-write-get', reg);
    const k = reg.resolve('mapcount-reuse');
    const dfs = exploreSegment(w, k, { mode: 'dfs', countTraces: true });
    const dpor = exploreSegment(w, k, { mode: 'dpor', countTraces: true });
    expect(dfs.complete && dpor.complete).toBe(true);
    const reached = [...dpor.traces!].filter((t) => dfs.traces!.has(t)).length;
    expect(reached).toBe(dpor.traces!.size);
    expect(reached).toBeGreaterThan(0);
    expect(reached).toBeLessThan(dfs.traces!.size);
    expect([...dpor.best.keys()].sort()).toEqual([...dfs.best.keys()].sort());
  });
});
