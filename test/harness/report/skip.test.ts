import { describe, expect, it } from 'vitest';
import { compareWithBaseline } from '../../../src/harness/baseline.js';
import { renderHtml } from '../../../src/harness/report/html.js';
import { renderJunit } from '../../../src/harness/report/junit.js';
import { renderMarkdown } from '../../../src/harness/report/markdown.js';
import { renderTap } from '../../../src/harness/report/tap.js';
import { renderSummary } from '../../../src/harness/report/terminal.js';
import { renderText } from '../../../src/harness/report/text.js';
import type { RunResult } from '../../../src/harness/results.js';
import { results, run, violation } from './fixtures.js';

const REASON = 'uffd-wp-shmem: 5.19, b1f9e876862d';
const skipped = (strategy: string, over: Partial<RunResult> = {}): RunResult =>
  run('uffd-wp-shmem/reclaim', strategy, {
    verdict: 'skip',
    skip: REASON,
    expected: ['skip'],
    matchesExpected: true,
    exploration: { mode: 'exhaustive', executions: 0, complete: false, steps: 0, ms: 0 },
    ...over,
  });
const ran = run('uffd-wp-shmem/reclaim', 'v5.19', { expected: [], matchesExpected: true });
const failed = run('uffd-wp-shmem/reclaim', 'wp-bit-in-pte', { violations: [violation('missed-wp-fault')], expected: ['missed-wp-fault'], matchesExpected: true });
const file = results([failed, skipped('v5.18'), ran]);

describe('a skipped run in every format', () => {
  it('terminal: an n/a cell, the reason under the table, a count in the totals', () => {
    const s = renderSummary(file, { color: false });
    expect(s).toMatch(/reclaim\s+MWP\s+\|\s+n\/a\s+ok/);
    expect(s).toContain(`n/a (kernel lacks): ${REASON} (1 run);`);
    expect(s).toContain('n/a=skipped: the kernel lacks a feature the workload needs');
    expect(s).toMatch(/3 runs: 1 ok, 1 fail \(1 expected\), 0 error, 1 skipped/);
  });

  it('markdown: n/a in the grid and the reason per kernel below it', () => {
    const md = renderMarkdown(file);
    expect(md).toMatch(/\| `uffd-wp-shmem\/reclaim` \| missed-wp-fault \| n\/a +\| pass +\|/);
    expect(md).toContain(`- \`v5.18\` lacks ${REASON} (1 workload)`);
    expect(md).toContain('1 skipped');
  });

  it('html: a grey n/a cell that carries its reason', () => {
    const html = renderHtml(file);
    expect(html).toMatch(new RegExp(`<td class="cell skip" data-strategy="v5.18" data-skip="${REASON}" title="[^"]*skipped: v5.18 lacks ${REASON}[^"]*">n/a</td>`));
    expect(html).toMatch(/\.skip\{background:var\(--skip\)/);
  });

  it('text: n/a in the matrix, the count in the first line', () => {
    const t = renderText(file);
    expect(t.split('\n')[0]).toContain('1 skipped');
    expect(t).toContain('n/a');
  });

  it('TAP: ok N name # SKIP reason, counted as kselftest counts skips', () => {
    const tap = renderTap(file);
    expect(tap).toContain(`ok 2 uffd-wp-shmem/reclaim v5.18 # SKIP ${REASON}`);
    expect(tap).toContain('# Totals: pass:1 fail:0 xfail:1 xpass:0 skip:1 error:0');
  });

  it('TAP and JUnit: a skip that the workload did not expect is a failure, with the reason', () => {
    const bad = results([skipped('v5.18', { expected: ['missed-wp-fault'], matchesExpected: false })]);
    expect(renderTap(bad)).toMatch(/^not ok 1 uffd-wp-shmem\/reclaim v5.18$/m);
    expect(renderTap(bad)).toContain(`  skip: "${REASON}"`);
    expect(renderJunit(bad)).toContain(`<failure message="expected missed-wp-fault, got skip (${REASON})" type="mismatch">`);
  });

  it('JUnit: <skipped message=...> and the skipped count', () => {
    const x = renderJunit(file);
    expect(x).toContain(`<skipped message="v5.18 lacks ${REASON}"/>`);
    expect(x).toMatch(/<testsuite [^>]*tests="3" failures="0" errors="0" skipped="1"/);
  });
});

describe('the baseline and skips', () => {
  it('a cell that turns from pass or fail into skip, or back, is a regression', () => {
    const was = results([ran, skipped('v5.18')]);
    const now = results([skipped('v5.19'), run('uffd-wp-shmem/reclaim', 'v5.18', { expected: [], matchesExpected: true })]);
    const c = compareWithBaseline(now, was);
    expect(c.regressions.map((r) => `${r.strategy}: ${r.why}`)).toEqual([`v5.19: now skipped (${REASON})`, `v5.18: no longer skipped (was: ${REASON})`]);
    expect(compareWithBaseline(was, was).regressions).toEqual([]);
  });
});
