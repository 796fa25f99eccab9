import { describe, expect, it } from 'vitest';
import { abbreviations, renderSummary, wrapEntries } from '../../../src/harness/report/terminal.js';
import { results, run, stripAnsi, violation } from './fixtures.js';

const FIXTURE = results([
  run('gup-cow/bug1', 'none', { violations: [violation('lost-dio-read')], expected: ['lost-dio-read'], matchesExpected: true }),
  run('gup-cow/bug1', 'mapcount-reuse', { expected: [], matchesExpected: true }),
  run('gup-cow/bug2', 'none', {
    violations: [violation('lost-dio-read'), violation('kernel-bug'), violation('lost-dio-read')],
    expected: [],
    matchesExpected: false,
  }),
  run('gup-cow/bug2', 'mapcount-reuse', { verdict: 'error', expected: [], matchesExpected: false, error: 'boom' }),
  run('uffd/wp', 'none', { violations: [violation('unexpected-error')], expected: null, matchesExpected: null }),
]);

/** Cell text of `workload` under `strategy`, read off the header's column positions. */
function cellAt(out: string, workload: string, strategy: string): string {
  const lines = out.split('\n');
  const header = lines[0]!;
  const start = header.indexOf(strategy);
  expect(start).toBeGreaterThan(0);
  const next = header.slice(start + strategy.length).search(/\S/);
  const end = next < 0 ? undefined : start + strategy.length + next;
  const row = lines.find((l) => l.startsWith(`${workload} `))!;
  return row.slice(start, end).trim();
}

describe('renderSummary', () => {
  const plain = renderSummary(FIXTURE, { color: false });

  it('prints workloads × strategies with ok, abbreviated invariants and ERROR', () => {
    const lines = plain.split('\n');
    expect(lines[0]).toMatch(/^workload\s+none\s+mapcount-reuse$/);
    expect(lines[1]).toMatch(/^-+ {2}-+ {2}-+$/);
    expect(cellAt(plain, 'gup-cow/bug1', 'none')).toBe('LDR');
    expect(cellAt(plain, 'gup-cow/bug1', 'mapcount-reuse')).toBe('ok');
    expect(cellAt(plain, 'uffd/wp', 'none')).toBe('ERR');
    expect(cellAt(plain, 'uffd/wp', 'mapcount-reuse')).toBe('-');
  });

  it('flags with ! only the cells that differ from expect', () => {
    expect(cellAt(plain, 'gup-cow/bug2', 'none')).toBe('LDR,BUG!');
    expect(cellAt(plain, 'gup-cow/bug2', 'mapcount-reuse')).toBe('ERROR!');
    const body = plain.split('\n').slice(2, 5).join('\n');
    expect(body.match(/!/g)).toHaveLength(2);
  });

  it('ends with a legend (wrapped to the width) and a totals line', () => {
    const lines = plain.split('\n');
    const from = lines.findIndex((l) => l.startsWith('legend: '));
    const legend = lines.slice(from, -1);
    // This legend is 123 characters on one line, so it must wrap under the prefix.
    expect(legend).toEqual([
      'legend: ok=pass  LDR=lost-dio-read  BUG=kernel-bug  ERR=unexpected-error  ERROR=run crashed  -=not run',
      '        !=differs from expect',
    ]);
    expect(lines[lines.length - 1]).toBe('5 runs: 1 ok, 3 fail, 1 error · 2 differ from expect');
  });

  it('colours only when asked', () => {
    expect(plain).not.toContain('\u001b[');
    const colored = renderSummary(FIXTURE, { color: true });
    expect(colored).toContain('\u001b[');
    expect(stripAnsi(colored)).toBe(plain);
  });

  it('numbers the strategies with a legend when their names do not fit', () => {
    const names = Array.from({ length: 8 }, (_, i) => `refcount-reuse+fork-copy-variant-${i}`);
    const many = results(names.flatMap((s) => [run('gup-cow/a', s), run('gup-cow/b', s, { violations: [violation('pin-incoherent')] })]));
    const out = renderSummary(many, { color: false });
    const lines = out.split('\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(120);
    expect(lines[0]).toMatch(/^workload\s+S1\s+S2\s+S3\s+S4\s+S5\s+S6\s+S7\s+S8$/);
    expect(out).toContain('strategies: S1=refcount-reuse+fork-copy-variant-0');
    for (const n of names) expect(out).toContain(`=${n}`);
    expect(cellAt(out, 'gup-cow/b', 'S8')).toBe('PIN');
  });

  it('splits the table when even numbered columns do not fit', () => {
    const strategies = Array.from({ length: 30 }, (_, i) => `s${i}`);
    const invs = ['lost-dio-read', 'cross-process-leak', 'pin-incoherent', 'kernel-bug', 'spurious-sigbus'];
    const wide = results(strategies.map((s) => run('fam/w', s, { violations: invs.map((v) => violation(v)) })));
    const out = renderSummary(wide, { color: false, width: 80 });
    for (const l of out.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    const headers = out.split('\n').filter((l) => l.startsWith('workload'));
    expect(headers.length).toBeGreaterThan(1);
    expect(headers.join(' ').match(/S\d+/g)).toHaveLength(30);
  });

  it('shortens long workload ids in the middle', () => {
    const id = `fam/${'x'.repeat(30)}-${'y'.repeat(30)}`;
    const out = renderSummary(results([run(id, 's')]), { color: false });
    const row = out.split('\n')[2]!;
    expect(row.startsWith('fam/xxx')).toBe(true);
    expect(row).toMatch(/…y+ +ok$/);
    expect(row.indexOf('ok')).toBe(50);
  });
});

describe('abbreviations', () => {
  it('uses the fixed table and invents non-colliding ones for unknown ids', () => {
    const m = abbreviations(['missed-wp-fault', 'mmap-lock-held-in-userfault', 'made-up-thing', 'lost-dio-race', 'livelock']);
    expect(m.get('missed-wp-fault')).toBe('MWP');
    expect(m.get('mmap-lock-held-in-userfault')).toBe('MLH');
    expect(m.get('livelock')).toBe('LL');
    expect(m.get('made-up-thing')).toBe('MUT');
    // LDR is lost-dio-read's, even though lost-dio-read is not in this table.
    expect(m.get('lost-dio-race')).toBe('LDR2');
  });
});

describe('wrapEntries', () => {
  it('wraps under the prefix', () => {
    expect(wrapEntries('k: ', ['aaaa', 'bbbb', 'cccc'], 12)).toEqual(['k: aaaa', '   bbbb', '   cccc']);
    expect(wrapEntries('k: ', ['a', 'b'], 12)).toEqual(['k: a  b']);
  });
});
