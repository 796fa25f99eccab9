import { describe, expect, it } from 'vitest';
import { compose, type Strategy } from '../../../src/core/Strategy.js';
import { explore } from '../../../src/harness/explore/explore.js';
import { RwSem } from '../../../src/core/sched/RwSem.js';
import type { Scheduler } from '../../../src/core/sched/Scheduler.js';
import { forkThenWriteWorkload, workload } from '../../helpers.js';

const forkThenWrite = forkThenWriteWorkload();

describe('the oracle catches a deliberately broken strategy', () => {
  it("a do_wp_page that always reuses leaks the parent's write into the child", () => {
    const broken: Strategy = { name: 'reuse-always', family: 'test', summary: 'broken', refs: [], hooks: { wpReuse: () => true } };
    const r = explore(forkThenWrite, compose('reuse-always', [broken]));
    expect(r.verdict).toBe('fail');
    expect(r.violations.map((v) => v.invariant)).toContain('cross-process-leak');
  });

  it('the baseline passes the same workload', () => {
    const r = explore(forkThenWrite, compose('baseline', []));
    expect(r.verdict).toBe('pass');
    expect(r.exploration.complete).toBe(true);
  });

  it('a GUP that leaks a page reference is a kernel bug at teardown', () => {
    const leaky: Strategy = { name: 'leaky', family: 'test', summary: 'broken', refs: [], hooks: { gupGrabbed: (_k, page) => void (page.refcount += 1) } };
    const w = workload(`
title: vmsplice then read the pipe
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, fill: 0x11 }
        - vmsplice: { as: p, at: buf }
        - pipe_read: p
`);
    const r = explore(w, compose('leaky', [leaky]));
    expect(r.violations.map((v) => v.invariant)).toEqual(['kernel-bug']);
    expect(r.violations[0]!.message).toMatch(/leaked at teardown/);
  });

  it('a strategy that takes its own lock again hangs the thread: a deadlock verdict naming the lock, not an error', () => {
    // The mm-gup-rwsem shape with the hold left to the forking thread itself (no completion to end
    // it): fork's down_write waits for a read hold that only it could release.
    const sems = new WeakMap<object, RwSem>();
    const sem = (k: { sched: Scheduler }, mm: object) => {
      let s = sems.get(mm);
      if (s === undefined) sems.set(mm, (s = new RwSem(k.sched, 'P.self_rwsem')));
      return s;
    };
    const selfish: Strategy = {
      name: 'self-deadlock',
      family: 'test',
      summary: 'broken',
      refs: [],
      hooks: {
        *forkBegin(k, t, mm) {
          yield* sem(k, mm).down_read(t);
          yield* sem(k, mm).down_write(t);
        },
      },
    };
    const r = explore(forkThenWrite, compose('self-deadlock', [selfish]));
    expect(r.verdict).toBe('fail');
    expect(r.violations.map((v) => v.invariant)).toEqual(['deadlock']);
    expect(r.violations[0]!.message).toMatch(/down_write\(P\.self_rwsem\), which it holds for read itself/);
  });

  it("a hook that throws is the strategy's error verdict, not a crash", () => {
    const throwing: Strategy = { name: 'throws', family: 'test', summary: 'broken', refs: [], hooks: { forkMustCopy: () => { throw new Error('boom'); } } };
    const r = explore(forkThenWrite, compose('throws', [throwing]));
    expect(r.verdict).toBe('error');
    expect(r.error).toMatch(/boom/);
    expect(r.errorReplay).toMatch(/^test\/inline~throws~/);
  });
});
