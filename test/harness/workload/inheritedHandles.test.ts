/**
 * A forked child has its parent's file descriptors: a userfaultfd and a user_events data fd made by
 * the forking thread before the fork can be used by the child (abi_test.c: the child's
 * reg_disable() on the inherited fd). Pins, O_DIRECT requests and pipes are not inherited, nor what
 * another thread of the parent makes (it races with the fork).
 */
import { describe, expect, it } from 'vitest';
import { planRuns, runPlans } from '../../../src/harness/Runner.js';
import { registry, workload } from '../../helpers.js';

const base = (parentOps: string, childOps: string, extraParent = '') => `
title: t
family: user-events
refs: [test]
processes:
  P:
    vmas:
      buf: { type: anon, pages: 1 }
    threads:
      main:
${parentOps}
${extraParent}
  C:
    threads:
      main:
${childOps}
explore: { mode: exhaustive, preemptions: 1 }
`;

describe('handles a forked child inherits', () => {
  it('a user_event registration made before the fork: the child may unregister it, and that clears only its own bit', () => {
    const w = workload(
      base(
        `        - user_events_register: { as: E, at: buf, off: 0, size: 4, bit: 0 }
        - fork: C
        - waitpid: C`,
        `        - user_events_unregister: E`,
      ),
    );
    const reg = registry();
    const [r] = runPlans(planRuns([w], reg, { strategies: ['async-giveup'] }));
    expect(r!.violations).toEqual([]);
  });

  it('a handle made after the fork is not the child\'s', () => {
    expect(() =>
      workload(
        base(
          `        - fork: C
        - user_events_register: { as: E, at: buf, off: 0, size: 4, bit: 0 }`,
          `        - user_events_unregister: E`,
        ),
      ),
    ).toThrow(/no user_event handle E in C/);
  });

  it('a pin is not a file descriptor: the child does not get it', () => {
    expect(() =>
      workload(
        base(
          `        - pin: { as: p1, at: buf }
        - fork: C`,
          `        - unpin: p1`,
        ).replace('family: user-events', 'family: gup-cow'),
      ),
    ).toThrow(/no pin handle p1 in C/);
  });

  it('a child cannot name a new handle like one it inherited', () => {
    expect(() =>
      workload(
        base(
          `        - user_events_register: { as: E, at: buf, off: 0, size: 4, bit: 0 }
        - fork: C`,
          `        - user_events_register: { as: E, at: buf, off: 4, size: 4, bit: 0 }`,
        ),
      ),
    ).toThrow(/C inherits the handle E from P/);
  });
});
