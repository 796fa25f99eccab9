import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

/** The CLI as users run it (built by `npm test` before vitest starts). */
function faultline(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/faultline.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'faultline-'));

describe('faultline CLI', () => {
  it('check accepts configs/', () => {
    const r = faultline('check', 'configs');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+ workloads ok/);
  });

  it('check refuses a bad workload with exit 2 and one line naming file:line:col', () => {
    const d = tmp();
    const f = join(d, 'bad.yaml');
    writeFileSync(f, 'title: x\nprocesses:\n  P:\n    threads:\n      t:\n        - wirte: { at: buf }\n');
    const r = faultline('check', f);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/bad\.yaml:6:11: unknown op wirte \(did you mean write\?\)/);
    expect(r.err).not.toMatch(/at .*\.js/);
  });

  it('--state-cache: without --explore dfs it is bad input; with it, results count the states stored', () => {
    const bad = faultline('run', 'configs/gup-cow/pin-ro-cow-shared.yaml', '--strategy', 'fork-copy', '--state-cache', '--out', tmp());
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--state-cache caches states for plain DFS: add --explore dfs/);
    const ok = faultline('run', 'configs/gup-cow/pin-ro-cow-shared.yaml', '--strategy', 'fork-copy', '--explore', 'dfs', '--state-cache', '--json', '--jobs', '1', '--out', tmp());
    expect(ok.code).toBe(0);
    const run = JSON.parse(ok.out).runs[0];
    expect(run.exploration.statesStored).toBeGreaterThan(0);
    expect(run.exploration.complete).toBe(true);
  });

  it('unknown strategies and options are bad input (exit 2)', () => {
    expect(faultline('run', 'configs/gup-cow/pin-ro-cow-shared.yaml', '--strategy', 'nope').code).toBe(2);
    expect(faultline('run', '--budget', 'zero').code).toBe(2);
    expect(faultline('run', '--strategy', 'fork-copy+anon-exclusive', 'configs/gup-cow/pin-ro-cow-shared.yaml').err).toMatch(/both override/);
    expect(faultline('run', 'no/such/path').code).toBe(2);
  });

  it('list names strategies, kernels, invariants and ops', () => {
    expect(faultline('list', 'strategies').out).toMatch(/^mapcount-reuse\s+gup-cow/m);
    const kernels = faultline('list', 'kernels').out;
    expect(kernels).toMatch(/^v5\.9 \(5\.9\): .*\n  strategies: refcount-reuse \+ fork-copy-pinned/m);
    // Each timeline's features, each with the release and commit that added it.
    expect(kernels).toMatch(/^v6\.4 \(6\.4\):[\s\S]*?^    user-events\s+6\.4\s+7235759084a4 /m);
    expect(kernels).toMatch(/^v2\.6\.32 \(2\.6\.32\):[\s\S]*?^  features: none/m);
    const json = JSON.parse(faultline('list', 'kernels', '--json').out) as { name: string; version: string; features: { id: string; since: string; commit: string }[] }[];
    expect(json.find((k) => k.name === 'v5.19')!.features.find((f) => f.id === 'uffd-wp-shmem')).toMatchObject({ since: '5.19', commit: 'b1f9e876862d' });
    expect(json.map((k) => k.name)).toEqual(expect.arrayContaining(['v6.2', 'v6.4', 'v6.5', 'v6.18']));
    expect(faultline('list', 'invariants').out).toMatch(/^lost-dio-read /m);
    expect(faultline('list', 'ops').out).toMatch(/^dio_read /m);
    expect(faultline('list', 'things').code).toBe(2);
  });

  it('--strategy host runs the newest timeline not newer than uname -r, and says which', () => {
    const r = faultline('run', 'configs/uffd-wp-shmem/reclaim-zap-then-write.yaml', '--strategy', 'host', '--json', '--out', mkdtempSync(join(tmpdir(), 'host-')));
    expect(r.code).toBe(0);
    const host = (JSON.parse(r.out) as { runs: { strategy: string }[] }).runs[0]!.strategy;
    expect(host).toMatch(/^v\d+\.\d+/);
    expect(r.err).toContain(`--strategy host is ${host} (this machine runs Linux `);
  });

  it('list features gives each feature its release and commit', () => {
    expect(faultline('list', 'features').out).toMatch(/^uffd-wp-shmem\s+5\.19\s+b1f9e876862d\s+uffd write-protect on shmem/m);
  });

  it("run writes results.json and report.md; replay prints the report\'s trace", () => {
    const out = tmp();
    const r = faultline('run', 'configs/gup-cow/pin-ro-cow-shared.yaml', '--strategy', 'mapcount-reuse,anon-exclusive', '--out', out);
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.faultline).toBe(1);
    expect(results.runs.map((x: { strategy: string; verdict: string }) => `${x.strategy}:${x.verdict}`)).toEqual(['mapcount-reuse:fail', 'anon-exclusive:pass']);
    const v = results.runs[0].violations[0];
    expect(v.invariant).toBe('pin-incoherent');
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain(v.replay);
    const rp = faultline('replay', v.replay);
    expect(rp.code).toBe(0);
    expect(rp.out).toContain('violated pin-incoherent');
    // The trace printed by replay is the one stored in the report.
    for (const e of v.trace.slice(0, 5)) expect(rp.out).toContain(e.cpu);
    // ...with the same step numbers: the detection replay names is the one results.json stores.
    expect(rp.out).toContain(`violated pin-incoherent at step ${v.at}:`);
    expect(rp.out.split('\n').find((l) => l.startsWith('>>'))).toMatch(new RegExp(`^>> +${v.at}  `));
    expect(faultline('replay', 'garbage').code).toBe(2);
    // A token that does not fit is refused with one line and exit 2, never replayed as some other schedule.
    const refuse = (tok: string, why: RegExp) => {
      const x = faultline('replay', tok);
      expect(x.code).toBe(2);
      expect(x.out).toBe('');
      expect(x.err).toMatch(why);
      expect(x.err.trim().split('\n')).toHaveLength(1);
    };
    refuse(v.replay.slice(0, -1) + (v.replay.endsWith('0') ? '1' : '0'), /is corrupted: its checksum does not match/);
    refuse(v.replay.replace(/~[^~]+$/, ''), /has no digest/);
    const copy = join(out, 'pin-ro-cow-shared.yaml');
    writeFileSync(copy, readFileSync(join(ROOT, 'configs/gup-cow/pin-ro-cow-shared.yaml'), 'utf8').replace(/fill: 0x[0-9A-Fa-f]+/, 'fill: 0x77'));
    const stale = faultline('replay', v.replay, copy);
    expect(stale.code).toBe(2);
    expect(stale.err).toMatch(/^faultline: replay token made for another version of this workload/);
  });

  it('gate passes on expectations that hold and fails naming a workload whose expectation is edited', () => {
    const d = join(tmp(), 'gup-cow');
    mkdirSync(d);
    const src = readFileSync(join(ROOT, 'configs/gup-cow/pin-ro-cow-shared.yaml'), 'utf8');
    const f = join(d, 'edited.yaml');
    writeFileSync(f, src.replace('  refcount-reuse: [pin-incoherent]\n', ''));
    const good = faultline('gate', 'configs/gup-cow/pin-ro-cow-shared.yaml', '--out', tmp());
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/All \d+ runs verified as expected/);
    const bad = faultline('gate', f, '--out', tmp());
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/MISMATCH .*edited × refcount-reuse: expected pass, got pin-incoherent/);
  });

  it('two runs with the same seed write identical results.json apart from timings', () => {
    const a = tmp();
    const b = tmp();
    for (const o of [a, b]) faultline('run', 'configs/gup-cow/bug2-dio-write-get.yaml', '--out', o, '--format', 'json');
    // Timings are the only fields allowed to differ: the run's start and each run's wall-clock figures.
    const strip = (s: string) => s.replace(/"startedAt": "[^"]*"/, '').replace(/"(ms|firstViolationMs)": [\d.]+/g, '');
    expect(strip(readFileSync(join(a, 'results.json'), 'utf8'))).toBe(strip(readFileSync(join(b, 'results.json'), 'utf8')));
  });
});

describe('a newcomer\'s first commands', () => {
  it('--version prints the package version', () => {
    const r = faultline('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('run takes a workload id as printed in reports, and -t/--filter', () => {
    const out = tmp();
    const r = faultline('run', 'gup-cow/bug1-dio-read-get', '--strategy', 'v5.19', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).runs.map((x: { workload: string }) => x.workload)).toEqual(['gup-cow/bug1-dio-read-get']);
    const f = faultline('run', '-t', 'bug2-dio-write-get', '--strategy', 'v5.19', '--out', out);
    expect(f.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).runs.map((x: { workload: string }) => x.workload)).toEqual(['gup-cow/bug2-dio-write-get-swapped', 'gup-cow/bug2-dio-write-get']);
  });

  it('a selection that makes no runs is exit 2 with the reason, not an empty pass', () => {
    const r = faultline('run', 'gup-cow/bug1-dio-read-get', '--family', 'uffd-retry', '--out', tmp());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no runs: --family uffd-retry matches none of the 1 workload selected \(their families: gup-cow\)/);
  });

  it('the bin says how to build when dist/ is missing, instead of a module stack', () => {
    const d = tmp();
    mkdirSync(join(d, 'bin'));
    writeFileSync(join(d, 'bin/faultline.js'), readFileSync(join(ROOT, 'bin/faultline.js')));
    const r = spawnSync(process.execPath, [join(d, 'bin/faultline.js'), '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/not built yet: run `npm install`/);
    expect(r.stderr).not.toMatch(/ERR_MODULE_NOT_FOUND|at /);
  });
});

describe('list', () => {
  it('without an argument lists what can be listed; a misspelt one gets a did-you-mean', () => {
    const r = faultline('list');
    expect(r.code).toBe(0);
    for (const w of ['strategies', 'kernels', 'workloads', 'invariants', 'ops', 'hooks', 'families']) expect(r.out).toContain(`faultline list ${w}`);
    expect(faultline('list', 'stratgies').err).toMatch(/list what\? stratgies \(did you mean strategies\?\)/);
  });

  it('columns are as wide as their widest cell', () => {
    const lines = faultline('list', 'invariants').out.trimEnd().split('\n');
    const starts = lines.map((l) => /^\S+\s+/.exec(l)![0].length);
    expect(new Set(starts).size).toBe(1);
    expect(starts[0]).toBe(Math.max(...lines.map((l) => l.split(/\s+/)[0]!.length)) + 2);
  });

  it('hooks names each decision point and who overrides it; ops --verbose gives every argument', () => {
    expect(faultline('list', 'hooks').out).toMatch(/^wpReuse\s+overridden by .*refcount-reuse/m);
    expect(faultline('list', 'ops', '--verbose').out).toMatch(/^dio_read: [^\n]*\n(\s{4}.*\n)*\s{4}gup: get \| pin/m);
  });
});

describe('--format', () => {
  it('leaves the folder with exactly the formats asked for: no stale report of an earlier run beside the new one', () => {
    const out = tmp();
    expect(faultline('run', 'gup-cow/pin-ro-cow-shared', '--strategy', 'v5.19', '--out', out).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['report.md', 'results.json', 'summary.md']);
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    expect(faultline('run', 'gup-cow/pin-ro-cow-shared', '--strategy', 'v5.19', '--out', out, '--format', 'html').code).toBe(0);
    // A file that is no format's report is the user's, and stays.
    expect(readdirSync(out).sort()).toEqual(['notes.txt', 'report.html']);
  });
});
