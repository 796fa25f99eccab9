import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getReporter, reporterNames } from '../../../src/harness/report/index.js';
import { renderHtml, racingEvents, swimLanes } from '../../../src/harness/report/html.js';
import { renderJunit, xmlEscape } from '../../../src/harness/report/junit.js';
import { renderTap } from '../../../src/harness/report/tap.js';
import { renderText, textTable } from '../../../src/harness/report/text.js';
import { renderMarkdown } from '../../../src/harness/report/markdown.js';
import { cost, DIO_FORK_TRACE, ev, results, run, violation } from './fixtures.js';
import { parseXml } from './xml.js';

const LOST = violation('lost-dio-read', { replay: 'gup-cow/bug1~mapcount-reuse~3.1_7.0', message: 'P read 0xaa at buf+0 & <DMA> wrote 0x5a' });

const FIXTURE = results([
  run('gup-cow/bug1', 'mapcount-reuse', { violations: [LOST], expected: ['lost-dio-read'], matchesExpected: true, cost: { pageCopies: cost(1), faults: cost(3) } }),
  run('gup-cow/bug1', 'anon-exclusive', { expected: [], matchesExpected: true, cost: { pageCopies: cost(2), faults: cost(4) } }),
  run('gup-cow/bug2', 'mapcount-reuse', { violations: [violation('cross-process-leak')], expected: [], matchesExpected: false, cost: { pageCopies: cost(0) } }),
  run('gup-cow/bug2', 'anon-exclusive', { verdict: 'error', expected: [], matchesExpected: false, error: 'BUG_ON(page_count < 0) at "x" <y>', errorReplay: 'gup-cow/bug2~anon-exclusive~0' }),
  run('uffd-retry/wp', 'tried-once', { violations: [violation('livelock')], expected: null, matchesExpected: null }),
  run('uffd-retry/wp', 'tried-twice', { expected: null, matchesExpected: null }),
]);

describe('reporter registry', () => {
  it('has every contract format, each writing its contract file name', () => {
    expect(reporterNames().sort()).toEqual(['html', 'json', 'junit', 'md', 'summary', 'tap', 'text']);
    const files = Object.fromEntries(reporterNames().map((n) => [n, getReporter(n)!.file]));
    expect(files).toEqual({ md: 'report.md', summary: 'summary.md', json: 'results.json', html: 'report.html', junit: 'junit.xml', tap: 'results.tap', text: 'report.txt' });
  });

  it('json is results.json itself', () => {
    expect(JSON.parse(getReporter('json')!.render(FIXTURE))).toEqual(FIXTURE);
  });
});

describe('junit.xml', () => {
  const xml = renderJunit(FIXTURE);
  const { root, errors } = parseXml(xml);

  it('is well-formed XML', () => {
    expect(errors).toEqual([]);
    expect(root!.name).toBe('testsuites');
  });

  it('has one testsuite per workload and one testcase per workload × strategy', () => {
    const suites = root!.children.filter((c) => c.name === 'testsuite');
    expect(suites.map((s) => s.attrs.name)).toEqual(['gup-cow/bug1', 'gup-cow/bug2', 'uffd-retry/wp']);
    const cases = suites.flatMap((s) => s.children.filter((c) => c.name === 'testcase').map((c) => `${c.attrs.classname}:${c.attrs.name}`));
    expect(cases).toEqual(['gup-cow.bug1:mapcount-reuse', 'gup-cow.bug1:anon-exclusive', 'gup-cow.bug2:mapcount-reuse', 'gup-cow.bug2:anon-exclusive', 'uffd-retry.wp:tried-once', 'uffd-retry.wp:tried-twice']);
    expect(root!.attrs).toMatchObject({ tests: '6', failures: '2', errors: '1' });
    expect(suites[1]!.attrs).toMatchObject({ tests: '2', failures: '1', errors: '1' });
  });

  it('fails a testcase that differs from expect, carrying the trace; an expected violation passes with its trace in system-out', () => {
    const cases = root!.children.flatMap((s) => s.children.filter((c) => c.name === 'testcase'));
    const leak = cases[2]!.children.find((c) => c.name === 'failure')!;
    expect(leak.attrs.message).toBe('expected pass, got cross-process-leak');
    expect(leak.text).toContain('copy_present_pte: share page 1 R/O');
    expect(leak.text).toContain('faultline replay fam/w~s~1.2');
    expect(cases[0]!.children.map((c) => c.name)).toEqual(['system-out']);
    expect(cases[0]!.children[0]!.text).toContain('P read 0xaa at buf+0 & <DMA> wrote 0x5a');
    expect(cases[1]!.children).toEqual([]);
    const err = cases[3]!.children.find((c) => c.name === 'error')!;
    expect(err.text).toContain('BUG_ON(page_count < 0) at "x" <y>');
    // Without an expectation, a violation is a failure: a consumer must never see it as green.
    expect(cases[4]!.children.map((c) => c.name)).toEqual(['failure']);
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    expect(xmlEscape(`a<b>&"c'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;\uFFFD');
    expect(parseXml(renderJunit(results([run('w/<&>', 's"\u0007', { violations: [violation('x', { message: ']]> & \u0000' })] })]))).errors).toEqual([]);
  });

  it('parses with an independent XML parser where python3 is installed', () => {
    const py = spawnSync('python3', ['-c', 'import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); print(r.tag, len(r.findall("testsuite/testcase")))', writeTmp('junit.xml', xml)], { encoding: 'utf8' });
    if (py.error) return; // no python3: the strict check above stands alone
    expect(py.stderr).toBe('');
    expect(py.stdout.trim()).toBe('testsuites 6');
  });
});

function writeTmp(name: string, text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'faultline-fmt-')), name);
  writeFileSync(f, text);
  return f;
}

describe('results.tap', () => {
  const tap = renderTap(FIXTURE);
  const lines = tap.trimEnd().split('\n');

  it('starts as kselftest does: TAP version 13 and the plan', () => {
    expect(lines[0]).toBe('TAP version 13');
    expect(lines[1]).toBe('1..6');
    expect(lines.filter((l) => /^(not )?ok \d+ /.test(l))).toEqual([
      'ok 1 gup-cow/bug1 mapcount-reuse # XFAIL lost-dio-read (expected)',
      'ok 2 gup-cow/bug1 anon-exclusive',
      'not ok 3 gup-cow/bug2 mapcount-reuse',
      'not ok 4 gup-cow/bug2 anon-exclusive',
      'not ok 5 uffd-retry/wp tried-once',
      'ok 6 uffd-retry/wp tried-twice',
    ]);
    expect(lines.at(-1)).toBe('# Totals: pass:2 fail:2 xfail:1 xpass:0 skip:0 error:1');
  });

  it('follows each failure with an indented YAML block holding expected, got, replay and trace', () => {
    const at = lines.indexOf('not ok 3 gup-cow/bug2 mapcount-reuse');
    const end = lines.indexOf('  ...', at);
    const block = lines.slice(at + 1, end + 1);
    expect(block[0]).toBe('  ---');
    expect(block.every((l) => l.startsWith('  '))).toBe(true);
    expect(block).toContain('  expected: "pass"');
    expect(block).toContain('  got: "cross-process-leak"');
    expect(block).toContain('      replay: "faultline replay fam/w~s~1.2"');
    expect(block).toContain('        - "4 P.forker copy_present_pte: share page 1 R/O (refcount 3, mapcount 2)"');
  });

  it('keeps # out of descriptions, where it would start a directive', () => {
    expect(renderTap(results([run('a/b#c', 's')]))).toContain('ok 1 a/b\\#c s');
  });

  it('is accepted by Perl\'s TAP::Harness (prove) where it is installed', () => {
    const file = writeTmp('results.tap', tap);
    const r = spawnSync('prove', ['-e', 'cat', file], { encoding: 'utf8' });
    if (r.error) return;
    expect(r.stdout).toMatch(/Failed tests?:\s+3-5/);
    expect(r.stdout).toMatch(/Tests=6/);
    const good = spawnSync('prove', ['-e', 'cat', writeTmp('ok.tap', renderTap(results([run('a/b', 's', { expected: [], matchesExpected: true })])))], { encoding: 'utf8' });
    expect(good.status).toBe(0);
  });
});

describe('report.txt', () => {
  const text = renderText(FIXTURE);

  it('keeps every line but replay tokens under 80 columns', () => {
    const long = text.split('\n').filter((l) => l.length >= 80 && !l.includes('replay: '));
    expect(long).toEqual([]);
  });

  it('has the matrix, the mismatches and a race diagram in numbered thread columns', () => {
    expect(text).toMatch(/^gup-cow\/bug1\s+LDR\s+ok\b/m);
    expect(text).toContain('gup-cow/bug2 x mapcount-reuse: expected pass, got cross-process-leak');
    expect(text).toContain('replay: faultline replay gup-cow/bug1~mapcount-reuse~3.1_7.0');
    expect(text).toMatch(/^ {7}P\.io +P\.forker +P\.writer +dev$/m);
    expect(text).toMatch(/^>> 10  /m);
  });

  it('keeps the totals of a large run under 80 columns too', () => {
    const many = results(
      Array.from({ length: 2400 }, (_, i) =>
        run(`f/w${Math.floor(i / 4)}`, `s${i % 4}`, i % 7 === 0 ? { verdict: 'skip', skip: 'x: 5.19, abc' } : i % 5 === 0 ? { violations: [LOST], expected: ['lost-dio-read'], matchesExpected: true } : {}),
      ),
    );
    const t = renderText(many, { traces: 'none' });
    expect(t).toMatch(/^2400 runs: \d+ ok, \d+ fail \(\d+ expected\), 0 error, \d+ skipped$/m);
    expect(t.split('\n').filter((l) => l.length >= 80 && !l.includes('replay: '))).toEqual([]);
  });

  it("shows cost where the strategies differ in report.md's sentences, without its markup, and no per-strategy table", () => {
    const md = renderMarkdown(FIXTURE);
    const mdDiffs = md.split('\n').filter((l) => /^ {2}- \*\*/.test(l)).map((l) => l.trim().slice(2).replace(/\*\*|`/g, ''));
    expect(mdDiffs.length).toBeGreaterThan(0);
    const flat = text.replace(/\n +/g, ' ');
    for (const d of mdDiffs) expect(flat).toContain(`- ${d}`);
    expect(flat).toContain('- pages copied: 1 for one strategy; anon-exclusive pays 1 more (2)');
    // The old table of the largest median per strategy, one column per metric, is gone.
    expect(text).not.toMatch(/^strategy +copies/m);
    expect(text).not.toContain('largest median');
  });

  it("says where the candidate strategies part in report.md's words", () => {
    const md = renderMarkdown(FIXTURE);
    const mdParts = md.split('\n').filter((l) => /^- `[^`]+` \/ `/.test(l)).map((l) => l.replace(/`/g, '').replace(/\\/g, ''));
    expect(mdParts).toContain('- mapcount-reuse / anon-exclusive: gup-cow/bug1: lost-dio-read vs pass');
    const flat = text.replace(/\n {5,}/g, ' ');
    for (const l of mdParts) expect(flat).toContain(`  ${l}`);
  });

  it("lists the same distinct counterexamples as report.md, each with report.md's facts", () => {
    const md = renderMarkdown(FIXTURE);
    const mdHeads = md.split('\n').filter((l) => l.startsWith('### ') && md.indexOf(l) > md.indexOf('## Counterexamples')).map((l) => l.slice(4));
    const cx = text.slice(text.indexOf('\nCounterexamples\n'));
    const textHeads = cx.split('\n').filter((l) => /^\S+: \S+$/.test(l));
    expect(textHeads).toEqual(mdHeads.filter((h) => !h.includes(' × ')));
    expect(cx).toContain('Reached by: mapcount-reuse (');
    expect(cx).toContain('preemptions 1 · found at step 10 of 10');
  });

  it('draws one diagram per distinct trace, naming every strategy that reached it', () => {
    const r = results([run('f/w', 'a', { violations: [LOST] }), run('f/w', 'b', { violations: [LOST] }), run('f/w', 'c', { violations: [LOST], expected: [], matchesExpected: false })]);
    const t = renderText(r).replace(/\n +/g, ' ');
    expect(renderText(r).match(/^ +P\.io +P\.forker/gm)).toHaveLength(1);
    expect(t).toContain('Reached, with this very trace, by 3: a, b, c (NOT EXPECTED).');
    expect(t).toContain('(the same schedule replays on the others: put their name in place of a)');
    // The same workload and invariant reached by another trace is another counterexample.
    const other = violation('lost-dio-read', { trace: DIO_FORK_TRACE.slice(1), at: 8 });
    const two = renderText(results([run('f/w', 'a', { violations: [LOST] }), run('f/w', 'd', { violations: [other] })]));
    expect(two.match(/^ +P\.(io|forker) +P\./gm)).toHaveLength(2);
    expect(two).toContain('2 distinct counterexamples (of 2 violations found');
    expect(renderText(r, { traces: 'none' })).not.toMatch(/^ +P\.io +P\.forker/m);
  });

  it('splits a table too wide for the width into parts that each repeat the first column', () => {
    const t = textTable(['name', 'aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc'], [['x', '1', '2', '3']], 30);
    expect(t.split('\n').every((l) => l.length <= 30)).toBe(true);
    expect(t.match(/^name/gm)!.length).toBeGreaterThan(1);
    expect(t).toMatch(/^x +1 +2$/m);
    expect(t).toMatch(/^x +3$/m);
  });
});

describe('report.html', () => {
  const html = renderHtml(FIXTURE);

  it("says the cost differences in report.md's sentences", () => {
    const md = renderMarkdown(FIXTURE);
    const mdDiffs = md.split('\n').filter((l) => /^ {2}- \*\*/.test(l)).map((l) => l.trim().slice(2).replace(/\*\*|`/g, ''));
    const htmlDiffs = [...html.matchAll(/<dl class="cost-diffs">(.*?)<\/dl>/gs)].flatMap((m) => [...m[1]!.matchAll(/<li>(.*?)<\/li>/g)].map((x) => x[1]!.replace(/<[^>]+>/g, '')));
    expect(mdDiffs.length).toBeGreaterThan(0);
    expect(htmlDiffs).toEqual(mdDiffs);
  });

  it('is one file that needs nothing from the network', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<(link|img|iframe)\b/);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it('draws a grid cell per run, coloured by outcome, mismatches flagged', () => {
    const cells = html.match(/<td class="cell [^"]*"/g)!;
    expect(cells).toEqual([
      '<td class="cell xfail"', '<td class="cell pass"',
      '<td class="cell fail mismatch"', '<td class="cell error mismatch"',
      '<td class="cell fail"', '<td class="cell pass"',
    ]);
  });

  it('has a filter per family and strategy, and the cost where strategies differ per family', () => {
    for (const f of ['gup-cow', 'uffd-retry']) expect(html).toContain(`data-kind="family" value="${f}"`);
    for (const s of ['mapcount-reuse', 'anon-exclusive', 'tried-once']) expect(html).toContain(`data-kind="strategy" value="${s}"`);
    expect(html).toContain('<h2 id="cost">Cost where the strategies differ</h2>');
    // No claim in these runs: no claims section, and no per-metric bar charts any more.
    expect(html).not.toContain('id="cost-claims"');
    expect(html).not.toContain('<figure class="chart">');
  });

  it('puts each counterexample in a collapsed details element, with escaped text', () => {
    const cx = html.match(/<details class="cx[^"]*" id="(cx|err)-\d+"/g)!;
    expect(cx).toHaveLength(4); // three distinct violations and one error
    expect(html).not.toMatch(/<details[^>]* open/);
    expect(html).toContain('P read 0xaa at buf+0 &amp; &lt;DMA&gt; wrote 0x5a');
    expect(html).not.toContain('<DMA>');
    expect(html).toContain('BUG_ON(page_count &lt; 0)');
  });
});

describe('swim lanes', () => {
  it('has one lane per thread, kernel function names, and the detection row marked', () => {
    const t = swimLanes(DIO_FORK_TRACE, 8);
    expect(t.match(/<th class="lane">/g)).toHaveLength(4);
    expect(t).toContain('<code class="fn">wp_page_copy</code> page 1 -&gt; page 2');
    expect(t.match(/<tr class="[^"]*hit/g)).toHaveLength(1);
    // The scheduler's step 8 logged the 9th and 10th events: shown, the detection is step 10 of 1..10.
    expect(t).toMatch(/<tr class="hit[^"]*"><td class="step">10<\/td><td class="ev"><code class="fn">VIOLATION/);
    expect([...t.matchAll(/<td class="step">(\d+)<\/td>/g)].map((m) => Number(m[1]))).toEqual(DIO_FORK_TRACE.map((_, i) => i + 1));
  });

  it('marks as racing the events on either side of each switch from one thread to another', () => {
    const s = racingEvents([ev(1, 'A', 'f', 'x'), ev(2, 'A', 'f', 'x'), ev(3, 'B', 'g', 'y'), ev(3, 'B', 'g', 'y'), ev(3, 'B', 'VIOLATION', 'v'), ev(5, 'A', 'f', 'z')]);
    expect([...s].sort()).toEqual([1, 2, 3, 5]);
    expect(racingEvents([ev(1, 'A', 'f', 'x'), ev(2, 'A', 'f', 'x')]).size).toBe(0);
  });
});
