import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import { parseXml } from '../harness/report/xml.js';

/** The CLI as users run it (built by `npm test` before vitest starts). */
function faultline(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/faultline.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'faultline-'));
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');
/** Two small workloads: each against the gup-cow strategies and every kernel, a few seconds. */
const SMALL = ['configs/gup-cow/pin-ro-cow-shared.yaml', 'configs/gup-cow/bug2-dio-write-get.yaml'];
const ALL = 'md,json,html,junit,tap,text';
/** What may differ between two runs of the same thing: when they started and how long they took. */
const untimed = (s: string) =>
  s
    .replace(/"startedAt": "[^"]*"/g, '')
    .replace(/"ms": \d+/g, '')
    .replace(/started \d{4}-[0-9T:.Z-]+/g, '')
    .replace(/(time|timestamp)="[^"]*"/g, '');

describe('reports and the gate', () => {
  const full = tmp();
  const fullRun = faultline('run', ...SMALL, '--out', full, '--format', ALL, '--jobs', '2');
  const runs = () => (JSON.parse(read(full, 'results.json')) as { runs: unknown[] }).runs.length;

  it('one run writes all six files, and prints no progress line when not on a terminal', () => {
    expect(fullRun.code).toBe(0);
    for (const f of ['results.json', 'report.md', 'report.html', 'junit.xml', 'results.tap', 'report.txt']) expect(existsSync(join(full, f))).toBe(true);
    expect(fullRun.err).toBe('');
    expect(fullRun.out).not.toContain('\r');
  });

  it('writes a junit.xml that parses, with a testcase per run, and a results.tap with a line per run', () => {
    const runs = JSON.parse(read(full, 'results.json')).runs as unknown[];
    const { root, errors } = parseXml(read(full, 'junit.xml'));
    expect(errors).toEqual([]);
    expect(root!.children.flatMap((s) => s.children.filter((c) => c.name === 'testcase'))).toHaveLength(runs.length);
    const tap = read(full, 'results.tap').split('\n');
    expect(tap.slice(0, 2)).toEqual(['TAP version 13', `1..${runs.length}`]);
    expect(tap.filter((l) => /^ok \d+ /.test(l))).toHaveLength(runs.length);
    const prove = spawnSync('prove', ['-e', 'cat', join(full, 'results.tap')], { encoding: 'utf8' });
    if (!prove.error) expect(prove.stdout).toMatch(/Result: PASS/);
  });

  it('shards 1/2 and 2/2 are together exactly the full run, and merge reproduces its reports', () => {
    const parts = [tmp(), tmp()];
    parts.forEach((p, i) => expect(faultline('run', ...SMALL, '--shard', `${i + 1}/2`, '--out', p, '--format', 'json', '--jobs', '2').code).toBe(0));
    const shards = parts.map((p) => JSON.parse(read(p, 'results.json')));
    expect(shards.map((s) => s.runs.length)).not.toContain(0);
    expect(shards[0].runs.length + shards[1].runs.length).toBe(runs());
    const merged = tmp();
    const m = faultline('merge', ...parts, '--out', merged, '--format', ALL);
    expect(m.code).toBe(0);
    for (const f of ['results.json', 'report.md', 'report.html', 'junit.xml', 'results.tap', 'report.txt']) expect(untimed(read(merged, f)), f).toBe(untimed(read(full, f)));
    expect(faultline('merge', parts[0]!, '--out', tmp()).err).toMatch(/shard 2\/2 missing/);
  });

  it('gate --baseline fails naming a run that newly violates an invariant, and --update-baseline records the run', () => {
    const base = join(tmp(), 'baseline.json');
    const up = faultline('gate', '--results', full, '--baseline', base, '--update-baseline');
    expect(up.code).toBe(0);
    expect(faultline('gate', '--results', full, '--baseline', base).out).toMatch(new RegExp(`^All ${runs()} runs verified as expected, ${runs()} without regression against `, 'm'));
    const b = JSON.parse(readFileSync(base, 'utf8'));
    const r = b.runs.find((x: { strategy: string; workload: string }) => x.workload === 'gup-cow/bug2-dio-write-get' && x.strategy === 'mapcount-reuse');
    r.violations = [];
    r.verdict = 'pass';
    writeFileSync(base, JSON.stringify(b));
    const bad = faultline('gate', '--results', full, '--baseline', base);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^REGRESSION gup-cow\/bug2-dio-write-get × mapcount-reuse: newly violates cross-process-leak; baseline pass, got cross-process-leak \(faultline replay gup-cow\/bug2-dio-write-get~mapcount-reuse~\S+\)$/m);
  });

  it('gate agrees with the committed reports/baseline.json', () => {
    const r = faultline('gate', '--results', full, '--baseline', 'reports/baseline.json');
    expect(r.out).toMatch(new RegExp(`^All ${runs()} runs verified as expected, ${runs()} without regression`, 'm'));
    expect(r.code).toBe(0);
  });

  it('refuses bad input to gate and merge with exit 2', () => {
    expect(faultline('gate', '--update-baseline', '--results', full).code).toBe(2);
    const junk = join(tmp(), 'results.json');
    writeFileSync(junk, '{"runs": 3}');
    const r = faultline('merge', junk);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/results\.json:1:1: not a faultline results\.json/);
    expect(faultline('run', ...SMALL, '--format', 'pdf').err).toMatch(/unknown --format pdf (\(did you mean \w+\?\) )?\(allowed: md, summary, json, html, junit, tap, text\)/);
    expect(faultline('run', ...SMALL, '--shard', '0/2').code).toBe(2);
  });
});
