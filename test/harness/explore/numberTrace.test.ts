/**
 * A shown trace numbers its events 1..n in the order they happened, and states the detection as
 * one of those numbers: the scheduler's own step counter repeats (several events in one step) and
 * skips (steps that log nothing), so its numbers cannot be referred to.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../../src/core/trace.js';
import { explore } from '../../../src/harness/explore/explore.js';
import { numberTrace } from '../../../src/harness/explore/numberTrace.js';
import { join } from 'node:path';
import { loadWorkloadFile } from '../../../src/harness/workload/load.js';
import { CONFIGS, registry } from '../../helpers.js';

const ev = (step: number, cpu: string, fn: string, event: string): TraceEvent => ({ step, cpu, fn, event });

describe('numberTrace', () => {
  const raw = [ev(3, 'A', 'write', 'write buf[0x0..0x10)'), ev(3, 'A', 'handle_mm_fault', 'buf+0x0'), ev(9, 'B', 'read', 'read buf[0x0..0x10)'), ev(12, 'B', 'VIOLATION', 'x: first'), ev(12, 'B', 'VIOLATION', 'y: second'), ev(15, 'A', 'exit', 'exit')];

  it('numbers repeated and skipped scheduler steps 1..n, keeping the logged order of one step', () => {
    const { trace } = numberTrace(raw);
    expect(trace.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(trace.map((e) => e.fn)).toEqual(['write', 'handle_mm_fault', 'read', 'VIOLATION', 'VIOLATION', 'exit']);
  });

  it("marks the invariant's own VIOLATION event when one step broke several", () => {
    expect(numberTrace(raw, 12, 'y').at).toBe(5);
    expect(numberTrace(raw, 12, 'x').at).toBe(4);
    expect(numberTrace(raw, 12).at).toBe(4);
  });

  it('without a VIOLATION event, marks the last event at or before the detection step', () => {
    expect(numberTrace(raw, 10).at).toBe(3);
    expect(numberTrace(raw, 2).at).toBeUndefined();
    expect(numberTrace(raw).at).toBeUndefined();
  });

  it('numbering a numbered trace changes nothing', () => {
    const once = numberTrace(raw, 12, 'y');
    expect(numberTrace(once.trace, once.at, 'y')).toEqual(once);
  });
});

describe("a run's counterexample", () => {
  it('is stored numbered 1..n, with `at` naming its own VIOLATION event', () => {
    // Bug 1: the lost-dio-read counterexample also shows the child's cross-process-leak VIOLATION.
    const reg = registry();
    const w = loadWorkloadFile(join(CONFIGS, 'gup-cow/bug1-dio-read-get.yaml'), 'gup-cow/bug1-dio-read-get', reg);
    const r = explore(w, reg.resolve('v2.6.32'));
    expect(r.violations.map((v) => v.invariant).sort()).toEqual(['cross-process-leak', 'lost-dio-read']);
    for (const v of r.violations) {
      expect(v.trace.map((e) => e.step)).toEqual(v.trace.map((_, i) => i + 1));
      const hit = v.trace[v.at - 1]!;
      expect(hit.fn).toBe('VIOLATION');
      expect(hit.event.startsWith(`${v.invariant}:`)).toBe(true);
    }
  });
});
