import { describe, expect, it } from 'vitest';
import { READ, WRITE } from '../../../src/core/sched/Access.js';
import { FootprintLog } from '../../../src/core/sched/Footprint.js';
import { HappensBefore } from '../../../src/harness/explore/HappensBefore.js';
import { traceKey } from '../../../src/harness/explore/traces.js';

/** A log from [task, ...accesses] steps. */
function log(steps: [number, ...number[]][]): FootprintLog {
  const l = new FootprintLog();
  for (const [t, first, ...rest] of steps) {
    l.beginStep(t, first ?? -1);
    for (const a of rest) l.touch(a);
  }
  return l;
}

const X = 10;
const Y = 11;
const w = (o: number) => o * 4 + WRITE;
const r = (o: number) => o * 4 + READ;

describe('traceKey: one key per Mazurkiewicz trace', () => {
  it('gives executions that swap independent steps the same key', () => {
    const a = log([[0, w(X)], [1, w(Y)], [0, r(X)]]);
    const b = log([[1, w(Y)], [0, w(X)], [0, r(X)]]);
    expect(traceKey(a)).toBe(traceKey(b));
  });

  it('tells apart executions that order two writes of one object differently', () => {
    const a = log([[0, w(X)], [1, w(X)]]);
    const b = log([[1, w(X)], [0, w(X)]]);
    expect(traceKey(a)).not.toBe(traceKey(b));
  });

  it('treats two reads as independent and a read against a write as not', () => {
    expect(traceKey(log([[0, r(X)], [1, r(X)]]))).toBe(traceKey(log([[1, r(X)], [0, r(X)]])));
    expect(traceKey(log([[0, r(X)], [1, w(X)]]))).not.toBe(traceKey(log([[1, w(X)], [0, r(X)]])));
  });

  it('counts what a step touched after its announced access', () => {
    // Task 0 announces Y but also writes X inside the step: it is ordered against task 1's X.
    const a = log([[0, r(Y), w(X)], [1, w(X)]]);
    const b = log([[1, w(X)], [0, r(Y), w(X)]]);
    expect(traceKey(a)).not.toBe(traceKey(b));
  });
});

describe('HappensBefore: races and who can start their reversal', () => {
  it('reports a race only between dependent steps that nothing in between orders', () => {
    // 0:w(X)  1:w(Y)  2:w(X) by task 2 — (0,2) races; task 1's step is independent of both.
    const hb = new HappensBefore().compute(log([[0, w(X)], [1, w(Y)], [2, w(X)]]));
    expect(hb.races).toEqual([{ i: 0, j: 2 }]);
    expect(hb.initials(0, 2)).toContain(2);
  });

  it('does not report a race that a third step already orders', () => {
    // task0 w(X); task1 r(X) w(Y) in one step; task2 r(Y) then w(X): (0, task2's write) is ordered through task 1.
    const hb = new HappensBefore().compute(log([[0, w(X)], [1, r(X), w(Y)], [2, r(Y)], [2, w(X)]]));
    expect(hb.races.some((x) => x.i === 0 && x.j === 3)).toBe(false);
    expect(hb.races).toContainEqual({ i: 0, j: 1 });
  });

  it('names as initials only tasks whose first step does not wait for another step of the reversal', () => {
    // Race (0, 3) on X; in between, task 1 writes Z and task 2 reads Z then writes X.
    const Z = 12;
    const hb = new HappensBefore().compute(log([[0, w(X)], [1, w(Z)], [2, r(Z)], [2, w(X)]]));
    const race = hb.races.find((x) => x.i === 0 && x.j === 3);
    expect(race).toBeDefined();
    // Task 2 cannot go first: its read of Z comes after task 1's write. Task 1 can.
    expect(hb.initials(0, 3)).toEqual([1]);
  });
});
