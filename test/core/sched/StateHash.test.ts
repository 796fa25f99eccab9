import { describe, expect, it } from 'vitest';
import { READ, WRITE } from '../../../src/core/sched/Access.js';
import type { Chooser } from '../../../src/core/sched/Chooser.js';
import { FootprintLog } from '../../../src/core/sched/Footprint.js';
import { Scheduler } from '../../../src/core/sched/Scheduler.js';
import type { KGen, Task } from '../../../src/core/sched/Task.js';

/** A chooser that runs the tasks named by `order` (task ids), one step each, then the default. */
function scripted(order: number[]): Chooser {
  let i = 0;
  return {
    footprints: new FootprintLog(),
    cachesStates: true,
    choose(runnable, n, cur) {
      const want = order[i++];
      for (let j = 0; j < n; j++) if (runnable[j]!.id === want) return runnable[j]!;
      return cur !== null && cur.state === 0 ? cur : runnable[0]!;
    },
  };
}

type Body = (s: Scheduler) => (t: Task) => KGen;

/** Run two threads under a schedule; the state hash at the end. */
function finalKey(a: Body, b: Body, order: number[]): string {
  const s = new Scheduler(scripted(order), 1000);
  s.spawn('A', null, false, a(s));
  s.spawn('B', null, false, b(s));
  expect(s.run().kind).toBe('done');
  s.states!.key();
  return `${s.states!.hi}:${s.states!.lo}`;
}

const X = 1_000;
const Y = 2_000;
/** Two steps, each touching `obj` as `kind`. */
const touching = (obj: number, kind: number): Body => (s) =>
  function* () {
    s.touch(obj * 4 + kind);
    yield obj * 4 + READ;
    s.touch(obj * 4 + kind);
  };

describe('StateHash: equal states, whatever order independent steps ran in', () => {
  it('steps on different objects commute: every interleaving reaches one state', () => {
    const a = touching(X, WRITE);
    const b = touching(Y, WRITE);
    const keys = new Set([finalKey(a, b, [0, 0, 1, 1]), finalKey(a, b, [1, 1, 0, 0]), finalKey(a, b, [0, 1, 0, 1]), finalKey(a, b, [1, 0, 1, 0])]);
    expect(keys.size).toBe(1);
  });

  it('two readers of one object commute', () => {
    const a = touching(X, READ);
    expect(finalKey(a, a, [0, 0, 1, 1])).toBe(finalKey(a, a, [1, 1, 0, 0]));
  });

  it('a reader and a writer of one object do not: the reader saw different values', () => {
    expect(finalKey(touching(X, READ), touching(X, WRITE), [0, 0, 1, 1])).not.toBe(finalKey(touching(X, READ), touching(X, WRITE), [1, 1, 0, 0]));
  });

  it('two writers of one object do not: the last write differs', () => {
    const a = touching(X, WRITE);
    expect(finalKey(a, a, [0, 0, 1, 1])).not.toBe(finalKey(a, a, [1, 1, 0, 0]));
  });

  it('objects allocated in a different order are renamed alike (page numbers do not split states)', () => {
    // Each thread allocates an object and writes it: run A first or B first, the raw numbers swap.
    const alloc: Body = (s) =>
      function* () {
        const o = s.newObject();
        s.touch(o * 4 + WRITE);
        yield o * 4 + READ;
        s.touch(o * 4 + WRITE);
      };
    expect(finalKey(alloc, alloc, [0, 0, 1, 1])).toBe(finalKey(alloc, alloc, [1, 1, 0, 0]));
  });

  it('a thread that read a different value is in a different state even when the objects end equal', () => {
    // B reads X and then both end with X written once by A: B's digest remembers what it saw.
    const b: Body = (s) =>
      function* () {
        s.touch(X * 4 + READ);
        yield Y * 4 + READ;
      };
    const a: Body = (s) =>
      function* () {
        s.touch(X * 4 + WRITE);
        yield Y * 4 + READ;
      };
    expect(finalKey(a, b, [0, 0, 1, 1])).not.toBe(finalKey(a, b, [1, 1, 0, 0]));
  });
});
