import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../src/core/sched/Scheduler.js';
import { SpinLock } from '../../../src/core/sched/SpinLock.js';
import type { KGen, Task } from '../../../src/core/sched/Task.js';
import { Dfs } from '../../../src/harness/explore/Dfs.js';
import { Replay } from '../../../src/harness/explore/Replay.js';
import { RandomWalk } from '../../../src/harness/explore/RandomWalk.js';
import { Pct } from '../../../src/harness/explore/Pct.js';
import type { Recorder } from '../../../src/harness/explore/Recorder.js';

/** Two threads increment a shared counter with a load and a store; with `locked` the pair is atomic. */
function counterProgram(chooser: Recorder, locked: boolean) {
  const s = new Scheduler(chooser, 1000);
  const counter = { obj: s.newObject(), v: 0 };
  const lock = new SpinLock(s, 'lock');
  const inc = function* (t: Task): KGen {
    if (locked) yield* lock.lock(t);
    yield counter.obj * 4; // load
    const v = counter.v;
    yield counter.obj * 4 + 1; // store
    counter.v = v + 1;
    if (locked) lock.unlock(t);
  };
  s.spawn('A', null, false, inc);
  s.spawn('B', null, false, inc);
  return { s, counter };
}

function exhaust(locked: boolean, bound: number) {
  const dfs = new Dfs(bound);
  const finals = new Set<number>();
  let executions = 0;
  let lost: number[] | null = null;
  do {
    dfs.begin();
    const { s, counter } = counterProgram(dfs, locked);
    expect(s.run().kind).toBe('done');
    executions++;
    finals.add(counter.v);
    if (counter.v !== 2 && lost === null) lost = dfs.deviations;
  } while (dfs.advance());
  return { finals, executions, lost };
}

describe('exhaustive DFS with a preemption bound', () => {
  it('finds the lost update of an unprotected read-modify-write', () => {
    const r = exhaust(false, 2);
    expect(r.finals).toEqual(new Set([1, 2]));
    expect(r.lost).not.toBeNull();
  });

  it('finds no lost update once a spinlock protects the increment', () => {
    const r = exhaust(true, 2);
    expect(r.finals).toEqual(new Set([2]));
    expect(r.executions).toBeGreaterThan(1);
  });

  it('needs one preemption for the race: bound 0 explores only serial schedules', () => {
    expect(exhaust(false, 0).finals).toEqual(new Set([2]));
    expect(exhaust(false, 1).finals).toEqual(new Set([1, 2]));
  });

  it('replays a recorded counterexample to the same outcome', () => {
    const r = exhaust(false, 2);
    const replay = new Replay(r.lost!);
    replay.begin();
    const { s, counter } = counterProgram(replay, false);
    s.run();
    expect(counter.v).toBe(1);
  });
});

describe('random and PCT exploration', () => {
  it('are deterministic for a seed', () => {
    const outcomes = (mk: () => Recorder) => {
      const c = mk();
      const out: string[] = [];
      for (let i = 0; i < 20; i++) {
        c.begin();
        const { s, counter } = counterProgram(c, false);
        s.run();
        out.push(`${counter.v}:${c.deviations.join('.')}`);
      }
      return out.join(' ');
    };
    expect(outcomes(() => new RandomWalk(7))).toBe(outcomes(() => new RandomWalk(7)));
    expect(outcomes(() => new Pct(7, 2, 4))).toBe(outcomes(() => new Pct(7, 2, 4)));
  });

  it('random exploration finds the lost update within a few executions', () => {
    const c = new RandomWalk(1);
    let found = false;
    for (let i = 0; i < 50 && !found; i++) {
      c.begin();
      const { s, counter } = counterProgram(c, false);
      s.run();
      found = counter.v === 1;
    }
    expect(found).toBe(true);
  });
});

describe('splitting a DFS into subtrees', () => {
  function outcomes(dfs: Dfs, limit = Infinity): { seen: string[]; rest: number[][] | null } {
    const seen: string[] = [];
    for (;;) {
      dfs.begin();
      const { s, counter } = counterProgram(dfs, false);
      s.run();
      seen.push(`${counter.v}:${dfs.deviations.join('.')}`);
      if (seen.length >= limit) return { seen, rest: dfs.remaining() };
      if (!dfs.advance()) return { seen, rest: null };
    }
  }

  it('explores exactly the executions of the whole search, wherever it is cut', () => {
    const whole = outcomes(new Dfs(2)).seen;
    for (const cut of [1, 2, 3, whole.length - 1]) {
      const first = outcomes(new Dfs(2), cut);
      const pieces = [...first.seen];
      for (const prefix of first.rest!) pieces.push(...outcomes(new Dfs(2, prefix)).seen);
      expect(pieces.sort()).toEqual([...whole].sort());
    }
  });
});
