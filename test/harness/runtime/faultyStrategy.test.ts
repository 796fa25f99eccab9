import { describe, expect, it } from 'vitest';
import { compose, type Strategy } from '../../../src/core/Strategy.js';
import type { KGen } from '../../../src/core/sched/Task.js';
import { explore, replayExecution } from '../../../src/harness/explore/explore.js';
import { decodeToken } from '../../../src/harness/replayToken.js';
import { forkThenWriteWorkload } from '../../helpers.js';

const forkThenWrite = forkThenWriteWorkload();

const strategy = (name: string, hooks: Strategy['hooks']): Strategy => ({ name, family: 'test', summary: 'broken on purpose', refs: [], hooks });

describe("a faulty strategy is the run's error verdict, named, with a replay token", () => {
  it('a hook that throws: error naming the strategy and the hook; the token replays it', () => {
    const k = compose('throws', [strategy('throws', { forkMustCopy: () => { throw new TypeError('boom'); } })]);
    const r = explore(forkThenWrite, k);
    expect(r.verdict).toBe('error');
    expect(r.error).toMatch(/^P\.main: strategy throws, hook forkMustCopy: threw TypeError: boom\n\s+at /);
    const plan = decodeToken(r.errorReplay!)!.plan;
    expect(replayExecution(forkThenWrite, k, plan).result.error).toMatch(/hook forkMustCopy: threw TypeError: boom/);
  });

  it("a model assertion that fires inside a hook is the strategy's error, not a kernel-bug finding", () => {
    // Drops a reference the hook does not own: put_page() finds refcount below mapcount.
    const k = compose('overput', [strategy('overput', { wpReuse: (kk, page) => (kk.put_page(page), false) })]);
    const r = explore(forkThenWrite, k);
    expect(r.verdict).toBe('error');
    expect(r.error).toMatch(/strategy overput, hook wpReuse: broke a model invariant: page \d+ refcount 1 below mapcount 2/);
    expect(r.violations).toEqual([]);
  });

  it('with --check-model, a hook that silently breaks refcount >= mapcount is caught as it returns', () => {
    const sneaky = compose('sneaky', [strategy('sneaky', { wpReuse: (_k, page) => ((page.refcount -= 1), false) })]);
    const r = explore(forkThenWrite, sneaky, { checkModel: true });
    expect(r.verdict).toBe('error');
    expect(r.error).toMatch(/strategy sneaky, hook wpReuse: broke a model invariant: page \d+ refcount 1 below mapcount 2/);
    expect(r.errorReplay).toMatch(/^test\/inline~sneaky~/);
  });

  it('with --check-model, a hook that frees a page still mapped is caught as it returns', () => {
    const k = compose('frees', [strategy('frees', { forkMustCopy: (kk, page) => ((page.freed = true), kk.pages.delete(page), false) })]);
    const r = explore(forkThenWrite, k, { checkModel: true });
    expect(r.verdict).toBe('error');
    expect(r.error).toMatch(/strategy frees, hook forkMustCopy: broke a model invariant: P pte \d+ maps freed page \d+/);
  });

  it('without --check-model the same silent corruption is still no crash: the model finds it later', () => {
    const sneaky = compose('sneaky', [strategy('sneaky', { wpReuse: (_k, page) => ((page.refcount -= 1), false) })]);
    const r = explore(forkThenWrite, sneaky);
    expect(r.verdict === 'error' || r.violations.some((v) => v.invariant === 'kernel-bug')).toBe(true);
  });

  it('a generator hook that never returns runs into the step bound: a livelock finding, reported with the bound', () => {
    const spins = compose('spins', [
      strategy('spins', {
        *forkBegin(): KGen {
          for (;;) yield 0;
        },
      }),
    ]);
    const r = explore(forkThenWrite, spins);
    expect(r.verdict).toBe('fail');
    expect(r.violations.map((v) => [v.invariant, v.message])).toEqual([['livelock', `step bound of ${forkThenWrite.explore.steps} reached`]]);
  });

  it('--check-model changes nothing for a correct strategy', () => {
    const k = compose('baseline', []);
    expect(explore(forkThenWrite, k, { checkModel: true })).toEqual(explore(forkThenWrite, k));
  });
});
