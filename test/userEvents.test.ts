import { describe, expect, it } from 'vitest';
import { planRuns, runPlans } from '../src/harness/Runner.js';
import { loadWorkloads } from '../src/harness/workloads.js';
import { CONFIGS, registry, workload } from './helpers.js';

/** The seed 004 thread's arguments, as the simulation reproduces them (beyond the expect: cells). */
const reg = registry();
const workloads = loadWorkloads([`${CONFIGS}/user-events`], CONFIGS, reg);
const run = (id: string, s: string) => runPlans(planRuns([workloads.find((x) => x.id === id)!], reg, { strategies: [s] }))[0]!;

describe('user-events: what the seed thread argued', () => {
  it('a tracer waits longer behind event_mutex when the enable write faults synchronously', () => {
    // Waits are ticks on the happens-before order (docs/cost.md). What every schedule pays is how
    // long event_mutex is held: across the swap read under sync-fault, never under async-giveup.
    const every = (id: string, s: string) => runPlans(planRuns([workloads.find((x) => x.id === id)!], reg, { strategies: [s] }), { mode: 'dfs' })[0]!;
    const sync = every('user-events/swapped-out', 'sync-fault').cost;
    const async = every('user-events/swapped-out', 'async-giveup').cost;
    expect(sync.eventMutexMaxHoldTicks!.min).toBeGreaterThan(async.eventMutexMaxHoldTicks!.min);
    // In the worst schedule the second tracer queues behind the first.
    expect(sync.tracerWaitSteps!.max).toBeGreaterThan(0);
  });

  it('async-retry-forever on unmapped memory: not a livelock while the process can still run (it exits: -ENOENT ends the work)', () => {
    const r = run('user-events/unmapped-after-register', 'async-retry-forever');
    expect(r.violations).toEqual([]);
    // Beau's "infinite loop" shows as cost: every round of the worker is a fixup_user_fault()
    // (a GUP call) on a word with no VMA, so none of them reaches handle_mm_fault (enablerFaults
    // counts real faults only, the same under every strategy).
    expect(r.cost.gupCalls!.max).toBeGreaterThanOrEqual(10);
  });

  it('async-retry-forever: a livelock once the work keeps failing while no other thread can run', () => {
    // P and the tracer end up waiting on each other for good: only the kworker can run, and its
    // fault-in on the unmapped word can never succeed.
    const w = workload(`
title: t
family: user-events
refs: [test]
processes:
  P:
    vmas:
      buf: { type: anon, pages: 1 }
    threads:
      main:
        - user_events_register: { as: E, at: buf, off: 0, size: 4, bit: 0 }
        - munmap: { at: buf }
        - post: unmapped
        - await: b
  T:
    threads:
      tracer:
        - await: unmapped
        - user_events_set: { event: E, enabled: true }
        - await: a
        - post: b
  Q:
    threads:
      main:
        - await: b
        - post: a
explore: { mode: random, budget: 3 }
`);
    const r = runPlans(planRuns([w], reg, { strategies: ['async-retry-forever'] }))[0]!;
    expect(r.violations.map((v) => v.invariant)).toEqual(['livelock']);
    expect(r.violations[0]!.message).toMatch(/no other thread can run/);
  });

  it('kill-on-fault kills a process whose only fault was the machine being out of memory', () => {
    const r = run('user-events/oom-at-enable', 'kill-on-fault');
    expect(r.violations.find((v) => v.invariant === 'unexpected-error')?.message).toMatch(/P killed with SIGKILL: .*ENOMEM/);
  });

  it('abi-bit31 corrupts the 8-byte big-endian word; abi-size-bit sets bit 63', () => {
    expect(run('user-events/be64-8byte-word', 'abi-bit31').violations.map((v) => v.invariant).sort()).toEqual(['stale-enable-bit', 'user-memory-corruption']);
    expect(run('user-events/be64-8byte-word', 'abi-size-bit').violations).toEqual([]);
  });
});
