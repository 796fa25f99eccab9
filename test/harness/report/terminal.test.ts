import { describe, expect, it } from 'vitest';
import { abbreviations, headerLines, renderSummary, wrapEntries } from '../../../src/harness/report/terminal.js';
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

/**
 * Cell text of `workload` under `strategy`, read off the table the way a person does: the rule line
 * gives the column spans, the header lines above it (wrapped at `-`) spell each column's name.
 */
function cellAt(out: string, workload: string, strategy: string): string {
  const lines = out.split('\n');
  const rows = lines.map((l, i) => (l.startsWith(`${workload} `) ? i : -1)).filter((i) => i >= 0);
  for (const r of rows) {
    let rule = r;
    while (!/^-+ /.test(lines[rule]!)) rule--;
    const spans = [...lines[rule]!.matchAll(/-+/g)].map((m) => [m.index!, m.index! + m[0].length] as const);
    let top = rule - 1;
    while (top > 0 && !/^\S/.test(lines[top - 1]!) === true && lines[top - 1]!.trim() !== '' && !/candidate|kernels|fixes/.test(lines[top - 1]!)) top--;
    const heads = lines.slice(top, rule);
    for (const [a, b] of spans.slice(1)) {
      const name = heads.map((h) => h.slice(a, b).trim()).join('');
      if (name === strategy) return lines[r]!.slice(a, b + 1).trim();
    }
  }
  throw new Error(`no cell ${workload} × ${strategy} in\n${out}`);
}

describe('renderSummary', () => {
  const plain = renderSummary(FIXTURE, { color: false });

  it('prints, per family, workloads × strategies with ok, abbreviated invariants and ERROR', () => {
    const lines = plain.split('\n');
    expect(lines[0]).toBe('gup-cow: 2 workloads');
    expect(lines).toContain('uffd: 1 workload');
    expect(cellAt(plain, 'gup-cow/bug1', 'none')).toBe('LDR');
    expect(cellAt(plain, 'gup-cow/bug1', 'mapcount-reuse')).toBe('ok');
    expect(cellAt(plain, 'uffd/wp', 'none')).toBe('ERR');
    // A family's table has only the strategies run on it.
    expect(() => cellAt(plain, 'uffd/wp', 'mapcount-reuse')).toThrow();
  });

  it('draws candidate fixes and kernels apart, with a bar between the two', () => {
    const out = renderSummary(results([run('gup-cow/a', 'v5.19'), run('gup-cow/a', 'fork-copy'), run('gup-cow/a', 'v5.8', { violations: [violation('lost-dio-read')] })]), { color: false });
    const lines = out.split('\n');
    expect(lines[1]).toMatch(/^ +candidates +\| +kernels$/);
    expect(lines.find((l) => l.startsWith('workload'))).toMatch(/^workload +fork-copy +\| +v5\.19 +v5\.8$/);
    expect(cellAt(out, 'gup-cow/a', 'v5.8')).toBe('LDR');
    // The caller may say which names are kernels.
    const named = renderSummary(results([run('gup-cow/a', 'k1'), run('gup-cow/a', 'fork-copy')]), { color: false, kernels: new Set(['k1']) });
    expect(named.split('\n').find((l) => l.startsWith('workload'))).toMatch(/^workload +fork-copy +\| +k1$/);
  });

  it('flags with ! only the cells that differ from expect', () => {
    expect(cellAt(plain, 'gup-cow/bug2', 'none')).toBe('LDR,BUG!');
    expect(cellAt(plain, 'gup-cow/bug2', 'mapcount-reuse')).toBe('ERROR!');
    expect(plain.split('legend:')[0]!.match(/!/g)).toHaveLength(2);
  });

  it('ends with a legend (wrapped to the width) and a totals line that tells expected failures apart', () => {
    const lines = plain.split('\n');
    const from = lines.findIndex((l) => l.startsWith('legend: '));
    const legend = lines.slice(from, -1);
    expect(legend).toEqual(['legend: ok=pass  LDR=lost-dio-read  BUG=kernel-bug  ERR=unexpected-error  ERROR=run crashed  !=differs from expect']);
    expect(lines[lines.length - 1]).toBe('5 runs: 1 ok, 3 fail (1 expected), 1 error · 2 differ from expect');
  });

  it('colours only when asked; an expected failure is not red, an unexpected one is', () => {
    expect(plain).not.toContain('\u001b[');
    const colored = renderSummary(FIXTURE, { color: true });
    expect(colored).toContain('\u001b[');
    expect(stripAnsi(colored)).toBe(plain);
    const red = '\u001b[31m';
    const xfail = colored.split('\n').find((l) => l.startsWith('gup-cow/bug1'))!;
    expect(xfail).toContain('LDR');
    expect(xfail).not.toContain(red);
    expect(colored.split('\n').find((l) => l.startsWith('gup-cow/bug2'))).toContain(`${red}LDR,BUG`);
  });

  it('wraps long strategy names over header lines at - and +, and every line fits the width', () => {
    const names = Array.from({ length: 8 }, (_, i) => `refcount-reuse+fork-copy-variant-${i}`);
    const many = results(names.flatMap((s) => [run('gup-cow/a', s), run('gup-cow/b', s, { violations: [violation('pin-incoherent')] })]));
    const out = renderSummary(many, { color: false });
    for (const l of out.split('\n')) expect(l.length).toBeLessThanOrEqual(120);
    for (const n of names) expect(cellAt(out, 'gup-cow/a', n)).toBe('ok');
    expect(cellAt(out, 'gup-cow/b', names[7]!)).toBe('PIN');
  });

  it('splits the table when the columns do not fit', () => {
    const strategies = Array.from({ length: 30 }, (_, i) => `s${i}`);
    const invs = ['lost-dio-read', 'cross-process-leak', 'pin-incoherent', 'kernel-bug', 'spurious-sigbus'];
    const wide = results(strategies.map((s) => run('fam/w', s, { violations: invs.map((v) => violation(v)) })));
    const out = renderSummary(wide, { color: false, width: 80 });
    for (const l of out.split('\n')) expect(l.length).toBeLessThanOrEqual(80);
    expect(out.split('\n').filter((l) => l.startsWith('workload')).length).toBeGreaterThan(1);
    for (const s of strategies) expect(cellAt(out, 'fam/w', s)).toBe('LDR,XPL,PIN,BUG,SIG');
  });

  it('shortens long workload ids in the middle', () => {
    const id = `fam/${'x'.repeat(30)}-${'y'.repeat(30)}`;
    const out = renderSummary(results([run(id, 's')]), { color: false });
    const row = out.split('\n').find((l) => l.startsWith('fam/xxx'))!;
    expect(row).toMatch(/…y+ +ok$/);
    expect(row.indexOf('ok')).toBe(50);
  });
});

describe('headerLines', () => {
  it('breaks after - and + only, as narrow as asked where it can', () => {
    expect(headerLines('mapcount-reuse', 14)).toEqual(['mapcount-reuse']);
    expect(headerLines('mapcount-reuse', 9)).toEqual(['mapcount-', 'reuse']);
    expect(headerLines('tried-twice+spinlock-recheck', 12)).toEqual(['tried-twice+', 'spinlock-', 'recheck']);
    expect(headerLines('v5.19', 2)).toEqual(['v5.19']);
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
