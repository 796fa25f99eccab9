import { describe, expect, it } from 'vitest';
import {
  code,
  costMetrics,
  escapeCell,
  escapeInline,
  fenced,
  formatCompact,
  renderMarkdown,
  renderSummaryMarkdown,
  summaryLine,
  table,
} from '../../../src/harness/report/markdown.js';
import { cost, ev, results, run, violation } from './fixtures.js';

const FIXTURE = results([
  run('gup-cow/bug1', 'none', {
    violations: [violation('lost-dio-read', { replay: 'gup-cow/bug1~none~3.1', at: 8 })],
    expected: ['lost-dio-read'],
    matchesExpected: true,
    cost: { pageCopies: cost(1), steps: cost(40), swapIns: cost(2) },
  }),
  run('gup-cow/bug1', 'mapcount-reuse', {
    expected: [],
    matchesExpected: true,
    cost: { pageCopies: cost(2), steps: cost(12345) },
    exploration: { mode: 'exhaustive', executions: 1200, complete: true, steps: 1, ms: 1 },
  }),
  run('gup-cow/bug2', 'none', {
    violations: [violation('lost-dio-read'), violation('kernel-bug', { message: 'refcount underflow', at: 3 })],
    expected: [],
    matchesExpected: false,
    cost: { pageCopies: cost(5), steps: cost(50) },
  }),
  run('gup-cow/bug2', 'mapcount-reuse', {
    verdict: 'error',
    expected: [],
    matchesExpected: false,
    error: 'TypeError: x is undefined\n    at hook',
    errorReplay: 'gup-cow/bug2~mapcount-reuse~0',
    cost: { pageCopies: cost(3), steps: cost(999) },
    exploration: { mode: 'random', executions: 34, complete: false, steps: 1, ms: 1 },
  }),
  run('uffd/wp', 'none', { cost: { faults: cost(2.5) } }),
  run('uffd/wp', 'odd|name', {
    violations: [violation('missed-wp-fault', { message: 'write to a|b without *fault*', trace: [ev(1, 'P.t', 'write', 'write a|b')], at: 1 })],
    expected: ['missed-wp-fault'],
    matchesExpected: true,
  }),
]);

const md = renderMarkdown(FIXTURE);
const lines = md.split('\n');

/** Lines of the table that follows `## family` (up to the next blank line). */
function matrixOf(family: string): string[] {
  const start = lines.indexOf(`## ${family}`) + 2;
  const end = lines.indexOf('', start);
  return lines.slice(start, end);
}


function cells(row: string): string[] {
  // Split on pipes not preceded by a backslash, as GFM does.
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());
}

describe('renderMarkdown', () => {
  it('starts with the title and one summary line', () => {
    expect(lines[0]).toBe('# faultline report');
    expect(lines[2]).toBe(
      '6 runs: 2 pass, 3 fail (2 expected), 1 error · 2 mismatches against expect · 1 run without expect · seed 7 · started 2024-05-01T00:00:00.000Z',
    );
    expect(renderMarkdown(FIXTURE, { title: 'nightly' }).split('\n')[0]).toBe('# nightly');
  });

  it('draws one workload × strategy matrix per family, strategies in order of first appearance', () => {
    const gup = matrixOf('gup-cow');
    expect(cells(gup[0]!)).toEqual(['workload', '`none`', '`mapcount-reuse`']);
    expect(gup[1]).toMatch(/^\|-+\|-+\|-+\|$/);
    expect(cells(gup[2]!)).toEqual(['`gup-cow/bug1`', 'lost-dio-read', 'pass']);
    expect(cells(gup[3]!)[0]).toBe('`gup-cow/bug2`');
    expect(gup).toHaveLength(4);

    const uffd = matrixOf('uffd');
    expect(cells(uffd[0]!)).toEqual(['workload', '`none`', '`odd\\|name`']);
    expect(cells(uffd[2]!)).toEqual(['`uffd/wp`', 'pass', 'missed-wp-fault']);
  });

  it('flags exactly the cells whose outcome differs from expect, with a footnote', () => {
    const gup = matrixOf('gup-cow');
    expect(cells(gup[2]!).join(' ')).not.toContain('⚠');
    expect(cells(gup[3]!)).toEqual(['`gup-cow/bug2`', '**⚠ lost-dio-read, kernel-bug**[^m1]', '**⚠ error**[^m2]']);
    expect(matrixOf('uffd').join('\n')).not.toContain('⚠');
    expect(md).toContain('[^m1]: gup-cow/bug2 × none: expected pass, got lost-dio-read, kernel-bug.');
    expect(md).toContain('[^m2]: gup-cow/bug2 × mapcount-reuse: expected pass, got error.');
    expect(md).not.toContain('[^m3]');
  });

  it('escapes | so every table row has as many cells as its header', () => {
    for (const t of [matrixOf('gup-cow'), matrixOf('uffd')]) {
      const n = cells(t[0]!).length;
      for (const row of t) expect(cells(row)).toHaveLength(n);
    }
    expect(md).toContain('`odd\\|name`');
  });

  it('says per workload who pays more, for what, and how much, in words and units', () => {
    // bug1: the two strategies copy 1 and 2 pages; steps are bookkeeping, swapIns has one figure.
    // bug2: only one strategy ran to the end (the other crashed): nothing to compare.
    expect(md).toContain('- `gup-cow/bug1`\n  - **pages copied**: 1 for one strategy; `mapcount-reuse` pays 1 more (2)');
    expect(md).not.toContain('- `gup-cow/bug2`\n');
    expect(md).not.toContain('scheduler steps');
    expect(md).toContain('- `none`: 20 executions over 2 workloads (exhaustive), complete');
    expect(md).toContain('- `mapcount-reuse`: 1,234 executions over 2 workloads (exhaustive/random), incomplete on 1 of 2 workloads');
    expect(md).toContain('Every candidate strategy that ran paid the same on every workload');
  });

  it('writes one counterexample per distinct trace with replay command and highlighted trace', () => {
    const cx = md.slice(md.indexOf('## Counterexamples'), md.indexOf('## Errors'));
    const headings = cx.split('\n').filter((l) => l.startsWith('### '));
    expect(headings).toEqual(['### gup-cow/bug1: lost-dio-read', '### gup-cow/bug2: lost-dio-read', '### gup-cow/bug2: kernel-bug', '### uffd/wp: missed-wp-fault']);
    const first = cx.slice(cx.indexOf(headings[0]!), cx.indexOf(headings[1]!));
    expect(first).toContain('lost-dio-read happened');
    expect(first).toContain('Reached by: `none`.');
    // The fixture's scheduler logged 10 events over steps 1..8; shown, they are steps 1..10.
    expect(first).toContain('- preemptions 1 · found at step 10 of 10');
    expect(first).toContain('- replay: `faultline replay gup-cow/bug1~none~3.1`');
    const block = first.slice(first.indexOf('```text\n') + 8, first.lastIndexOf('\n```'));
    const marked = block.split('\n').filter((l) => l.startsWith('>>'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain('VIOLATION: lost-dio-read');
    expect(block.split('\n')[0]).toMatch(/^ {7}P\.io\s+P\.forker\s+P\.writer\s+dev$/);

    // at = 3 points at the fork, not at the VIOLATION row of the shared trace.
    const kb = cx.slice(cx.indexOf(headings[2]!), cx.indexOf(headings[3]!));
    expect(kb).toContain('Reached by: `none` **⚠ not expected**.');
    expect(kb.split('\n').filter((l) => l.startsWith('>>'))[0]).toContain('fork C');

    const odd = cx.slice(cx.indexOf(headings[3]!));
    expect(odd).toContain('write to a\\|b without \\*fault\\*');
    expect(odd).toContain('`odd|name`');
  });

  it('prints a trace that several strategies and kernels reached once, naming each with its count', () => {
    const same = (strategy: string, executions: number) =>
      run('gup-cow/bug1', strategy, { violations: [violation('lost-dio-read', { replay: `gup-cow/bug1~${strategy}~3.1`, executions })], expected: strategy === 'v5.19' ? [] : ['lost-dio-read'], matchesExpected: strategy !== 'v5.19', exploration: { mode: 'exhaustive', executions: 1137, complete: true, steps: 1, ms: 1, reduction: 'dpor' } });
    const other = run('gup-cow/bug1', 'fork-copy', { violations: [violation('lost-dio-read', { message: 'another way', executions: 3 })] });
    const out = renderMarkdown(results([same('mapcount-reuse', 12), same('v2.6.32', 12), same('v5.19', 40), other]));
    const cx = out.slice(out.indexOf('## Counterexamples'));
    expect(cx).toContain('2 distinct counterexamples (of 4 violations found');
    expect(cx.match(/^### /gm)).toHaveLength(2);
    expect(cx).toContain('Reached, with this very trace, by 3: `mapcount-reuse` (12 of 1,137), `v2.6.32` (12 of 1,137), `v5.19` (40 of 1,137) **⚠ not expected**.');
    expect(cx).toContain('DPOR: one execution per class of equivalent interleavings');
    expect(cx.match(/```text/g)).toHaveLength(2);
  });

  it('summary.md has the matrices and the mismatches, and no counterexample', () => {
    const sum = renderSummaryMarkdown(FIXTURE);
    expect(sum).toContain('## gup-cow');
    expect(sum).toContain('expected pass, got lost-dio-read, kernel-bug');
    expect(sum).not.toContain('```');
    expect(sum).toContain('4 distinct counterexamples, each with its race diagram and replay command: report.md');
  });

  it('lists errors with their message and replay token', () => {
    const err = md.slice(md.indexOf('## Errors'));
    expect(err).toContain('### gup-cow/bug2 × mapcount-reuse');
    expect(err).toContain('```text\nTypeError: x is undefined\n    at hook\n```');
    expect(err).toContain('- replay: `faultline replay gup-cow/bug2~mapcount-reuse~0`');
    expect(md.indexOf('## Errors')).toBeGreaterThan(md.indexOf('## Counterexamples'));
  });

  it('omits the errors section and says so when nothing failed', () => {
    const clean = renderMarkdown(results([run('f/a', 's', { expected: [], matchesExpected: true })]));
    expect(clean).not.toContain('## Errors');
    expect(clean).toContain('None: no run violated an invariant.');
    expect(clean).not.toContain('⚠');
    expect(clean).toContain('Every candidate strategy that ran paid the same on every workload');
    expect(renderMarkdown(results([]))).toContain('0 runs: 0 pass, 0 fail, 0 error');
  });

  it('takes the family from the first path segment only', () => {
    const deep = renderMarkdown(results([run('a/b/c', 's'), run('a/d', 's'), run('solo', 's')]));
    expect(deep.split('\n').filter((l) => l.startsWith('## ') && l !== '## Counterexamples')).toEqual(['## a', '## solo']);
  });
});

describe('markdown primitives', () => {
  it('escapes pipes and newlines in cells', () => {
    expect(escapeCell('a|b\nc')).toBe('a\\|b c');
  });

  it('escapes emphasis but leaves intraword underscores alone', () => {
    expect(escapeInline('do_wp_page *x* _y_ [z] <b>')).toBe('do_wp_page \\*x\\* \\_y\\_ \\[z\\] \\<b\\>');
  });

  it('grows code spans and fences past backticks in the content', () => {
    expect(code('a`b')).toBe('``a`b``');
    expect(fenced('x ``` y')).toBe('````text\nx ``` y\n````');
  });

  it('pads tables', () => {
    expect(table(['a', 'bb'], [['xxxx', '1']], ['left', 'right'])).toBe('| a    |  bb |\n|------|----:|\n| xxxx |   1 |');
  });

  it('formats numbers compactly', () => {
    expect([0, 7, 9999, 12345, 123456, 1_500_000, 2.5, 1 / 3, 3e9].map(formatCompact)).toEqual([
      '0',
      '7',
      '9999',
      '12.3k',
      '123k',
      '1.5M',
      '2.5',
      '0.33',
      '3G',
    ]);
  });

  it('orders contract metrics first, extras after', () => {
    expect(costMetrics([run('f/a', 's', { cost: { zeta: cost(1), steps: cost(1), pageCopies: cost(1) } })])).toEqual([
      'pageCopies',
      'steps',
      'zeta',
    ]);
  });

  it('summarises a results file', () => {
    expect(summaryLine(results([run('f/a', 's')]))).toBe('1 run: 1 pass, 0 fail, 0 error · 0 mismatches against expect · 1 run without expect · seed 7 · started 2024-05-01T00:00:00.000Z');
  });
});
