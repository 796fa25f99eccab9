import { describe, expect, it } from 'vitest';
import { analyseClaims, classifyGrowth, costDifferences } from '../../../src/harness/cost/analysis.js';
import type { CostClaim } from '../../../src/harness/cost/claims.js';
import { costClaimsHtml, costClaimsMarkdown } from '../../../src/harness/report/cost.js';
import type { RunResult } from '../../../src/harness/results.js';
import { cost, run } from './fixtures.js';

describe('how a figure grows over a series', () => {
  it('constant, linear (with its slope), or which side of the straight line the middle falls', () => {
    expect(classifyGrowth([1, 2, 4, 8], [3, 3, 3, 3])).toEqual({ growth: 'constant', slope: 0 });
    expect(classifyGrowth([1, 2, 4, 8], [2, 4, 8, 16])).toEqual({ growth: 'linear', slope: 2 });
    expect(classifyGrowth([1, 2, 3, 4, 5], [1, 4, 9, 16, 25])!.growth).toBe('superlinear');
    expect(classifyGrowth([1, 2, 4, 8, 16], [0, 10, 14, 15, 16])!.growth).toBe('sublinear');
    // A step function of page tables is linear within one unit.
    expect(classifyGrowth([128, 256, 384, 512, 640], [2, 3, 4, 5, 6])!.growth).toBe('linear');
  });
});

const CLAIM: CostClaim = {
  claim: 'it costs a copy per page',
  source: 'a thread',
  metric: 'pageCopies',
  aggregate: 'min',
  expect: { copier: ['linear', 'more than sharer'], sharer: ['constant'], absent: ['zero'] },
};

function point(strategy: string, pages: number, copies: number, extra: Partial<RunResult> = {}): RunResult {
  return run(`f/series@pages=${pages}`, strategy, {
    cost: { pageCopies: { min: copies, median: copies + 1, max: copies + 2 } },
    series: { id: 'f/series', param: 'pages', value: pages },
    claim: CLAIM,
    ...extra,
  });
}

const RUNS = [1, 2, 4].flatMap((p) => [point('copier', p, p), point('sharer', p, 0), point('v5.9', p, 0, { verdict: 'skip', skip: 'too old' })]);

describe('cost claims', () => {
  it('group a series by its file, take the figure the claim names (min here), check every prediction', () => {
    const [c] = analyseClaims(RUNS);
    expect(c!.id).toBe('f/series');
    expect(c!.xs).toEqual([1, 2, 4]);
    expect(c!.rows.find((r) => r.strategy === 'copier')!.values).toEqual([1, 2, 4]);
    expect(c!.rows.find((r) => r.strategy === 'v5.9')!.values).toEqual([null, null, null]);
    expect(c!.checks.map((k) => [k.strategy, k.prediction, k.holds])).toEqual([
      ['copier', 'linear', true],
      ['copier', 'more than sharer', true],
      ['sharer', 'constant', true],
      ['absent', 'zero', null],
    ]);
    // A prediction nobody measured keeps the claim from being called confirmed.
    expect(c!.status).toBe('not measured');
  });

  it('are not confirmed when a prediction fails', () => {
    const wrong = { ...CLAIM, expect: { sharer: ['linear'] } };
    const [c] = analyseClaims(RUNS.map((r) => ({ ...r, claim: wrong })));
    expect(c!.status).toBe('not confirmed');
  });

  it('render as a quoted claim, a table of figures with growth, and an SVG of cost against size', () => {
    const md = costClaimsMarkdown(RUNS)!;
    expect(md).toContain('> it costs a copy per page');
    expect(md).toMatch(/\| `copier` +\| +1 \| +2 \| +4 \| linear, 1 per page \|/);
    expect(md).not.toContain('`v5.9`'); // skipped at every point
    const html = costClaimsHtml(RUNS)!;
    expect(html.match(/<polyline /g)).toHaveLength(2);
    expect(html).toContain('data-strategies="copier"');
  });
});

describe('cost where strategies differ', () => {
  it('names who pays more than most, for what, and how much; kernels and bookkeeping left out', () => {
    const runs = [
      run('f/w', 'a', { cost: { pageCopies: cost(0), steps: cost(10), forkWaitSteps: cost(2) } }),
      run('f/w', 'b', { cost: { pageCopies: cost(0), steps: cost(99), forkWaitSteps: cost(2) } }),
      run('f/w', 'c', { cost: { pageCopies: cost(3), steps: cost(10), forkWaitSteps: cost(9) } }),
      run('f/w', 'v5.9', { cost: { pageCopies: cost(7), steps: cost(10), forkWaitSteps: cost(2) } }),
    ];
    const d = costDifferences(runs, ['pageCopies', 'steps', 'forkWaitSteps']);
    expect(d).toEqual([
      { workload: 'f/w', metric: 'pageCopies', usual: 0, usualCount: 2, others: [{ value: 3, strategies: ['c'] }] },
      { workload: 'f/w', metric: 'forkWaitSteps', usual: 2, usualCount: 2, others: [{ value: 9, strategies: ['c'] }] },
    ]);
  });
});
