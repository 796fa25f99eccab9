/**
 * Spurious wakeups as an explored event: the explorer may wake a thread that sleeps without
 * rechecking (handle_userfault) up to `explore.spurious_wakeups` times; each wakeup is a recorded
 * departure from the default schedule, so its replay token reproduces it. Tokens without
 * wakeups keep their old form.
 */
import { describe, expect, it } from 'vitest';
import { explore, replayExecution } from '../../../src/harness/explore/explore.js';
import { decodeToken, encodeToken } from '../../../src/harness/replayToken.js';
import { registry, workload } from '../../helpers.js';

const reg = registry();

const seed = (spurious: number) => `
title: one userfault, one monitor
processes:
  P:
    vmas:
      buf: { type: anon, pages: 1 }
    threads:
      main:
        - uffd_register: { as: u, at: buf, mode: [missing] }
        - post: registered
      faulter:
        - await: registered
        - read: { at: buf }
      monitor:
        - await: registered
        - uffd_handle: { uffd: u, resolve: copy, fill: 0x5A }
explore: { mode: exhaustive, preemptions: 2, spurious_wakeups: ${spurious} }
`;

describe('replay tokens', () => {
  it('keep the old form for plain schedules and decode it as before', () => {
    const t = 'gup-cow/bug1-dio-read-get~mapcount-reuse~7.2_19.0';
    expect(decodeToken(t)).toEqual({ workload: 'gup-cow/bug1-dio-read-get', strategy: 'mapcount-reuse', plan: [7, 2, 19, 0] });
    expect(encodeToken(decodeToken(t)!)).toBe(t);
  });

  it('write a spurious wakeup of task 3 at choice point 12 as 12.w3, and read it back', () => {
    const tok = encodeToken({ workload: 'w', strategy: 's', plan: [4, 1, 12, -4] });
    expect(tok).toBe('w~s~4.1_12.w3');
    expect(decodeToken(tok)!.plan).toEqual([4, 1, 12, -4]);
    expect(decodeToken('w~s~12.wx')).toBeNull();
  });
});

describe('explored spurious wakeups', () => {
  it('without any, the seed scenario passes under tried-once', () => {
    const r = explore(workload(seed(0)), reg.resolve('tried-once'));
    expect(r.violations).toEqual([]);
    expect(r.exploration.complete).toBe(true);
  });

  it('with one, DFS finds the SIGBUS under tried-once and its token replays it', () => {
    const w = workload(seed(1));
    const r = explore(w, reg.resolve('tried-once'));
    const v = r.violations.find((x) => x.invariant === 'spurious-sigbus');
    expect(v).toBeDefined();
    const plan = decodeToken(v!.replay)!.plan;
    expect(plan.some((x) => x < 0)).toBe(true);
    const rp = replayExecution(w, reg.resolve('tried-once'), plan);
    expect(rp.result.violations.map((x) => x.invariant)).toContain('spurious-sigbus');
    expect(rp.trace.some((e) => e.fn === 'wake_up_process')).toBe(true);
  });

  it('the recheck of 15a77c6fe494 sleeps through it', () => {
    const r = explore(workload(seed(1)), reg.resolve('spinlock-recheck'));
    expect(r.violations).toEqual([]);
    expect(r.cost.spuriousWakeups!.max).toBeGreaterThan(0);
  });
});
