import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

function faultline(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/faultline.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'faultline-'));
const W = 'configs/gup-cow/pin-ro-cow-shared.yaml';

/** Strategies under development, loaded with --strategies-from: one hangs, one throws. */
function faultyModule(): string {
  const f = join(tmp(), 'faulty.mjs');
  writeFileSync(
    f,
    `export const strategies = [
  { name: 'hangs', family: 'gup-cow', summary: 'a fork hook that never returns', refs: [], hooks: { forkMustCopy: () => { for (;;) {} } } },
  { name: 'throws', family: 'gup-cow', summary: 'a fork hook that throws', refs: [], hooks: { forkMustCopy: () => { throw new Error('boom'); } } },
];\n`,
  );
  return f;
}

describe('CLI misuse is exit 2 with one line', () => {
  const cases: [string[], RegExp][] = [
    [['run', W, '--strategy', 'nope'], /^faultline: unknown strategy nope \(see faultline list strategies\)\n$/],
    [['run', W, '--strategy', 'fork-copy+anon-exclusive'], /^faultline: strategies fork-copy and anon-exclusive both override the hook forkMustCopy; they cannot be composed\n$/],
    [['run', W, '--explore', 'bfs'], /^faultline: option '--explore <mode>' argument 'bfs' is invalid\. Allowed choices are exhaustive, dfs, random, pct, dpor\. did you mean dfs\?\n$/],
    [['run', W, '--budget', '0'], /^faultline: option '--budget <n>' argument '0' is invalid\. --budget takes a whole number of at least 1\n$/],
    [['run', W, '--shard', '3/2'], /^faultline: option '--shard <I\/N>' argument '3\/2' is invalid\. --shard 3\/2: I must be between 1 and N, and N at least 1\n$/],
    [['run', W, '--shard', '0/2'], /--shard 0\/2: I must be between 1 and N/],
    [['run', W, '--strategy', 'mapcount-reuse', '--shard', '1/2'], /^faultline: --shard 1\/2 on a single run splits its exploration into DFS subtrees, which needs --explore dfs .*\(got mode exhaustive, budget \d+\)\n$/],
    [['run', W, '--preemptions', 'many'], /--preemptions takes a whole number or `unbounded`/],
    [['run', W, '--time-budget', 'soon'], /--time-budget takes seconds/],
    [['run', 'no/such/path'], /^faultline: no file, folder or workload no\/such\/path \(workload ids and families: faultline list workloads\)\n$/],
    [['run', W, '--strategies-from', 'no/such.mjs'], /^faultline: no\/such\.mjs:1:1: cannot load strategies/],
    [['run', '--bogus'], /^faultline: unknown option '--bogus'\n$/],
  ];
  for (const [args, err] of cases) {
    it(args.join(' '), () => {
      const out = join(tmp(), 'reports');
      const r = faultline(...args, '--out', out);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(err);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(() => readdirSync(out)).toThrow();
    });
  }
});

describe('a faulty strategy is its run\'s error; the rest of the matrix completes', () => {
  it('a hook that loops forever is stopped when the time budget runs out; one that throws is named; the others finish', () => {
    const out = tmp();
    const r = faultline('run', W, '--strategies-from', faultyModule(), '--strategy', 'hangs,throws,mapcount-reuse,anon-exclusive', '--time-budget', '8', '--jobs', '2', '--out', out, '--format', 'json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const runs = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).runs as { strategy: string; verdict: string; error?: string; errorReplay?: string; exploration: { complete: boolean } }[];
    expect(runs.map((x) => `${x.strategy}:${x.verdict}`)).toEqual(['hangs:error', 'throws:error', 'mapcount-reuse:fail', 'anon-exclusive:pass']);
    expect(runs[0]!.error).toMatch(/^execution 1 did not end within 2 s of the time budget running out; the run was stopped/);
    expect(runs[0]!.errorReplay).toMatch(/^gup-cow\/pin-ro-cow-shared~hangs~/);
    expect(runs[0]!.exploration.complete).toBe(false);
    expect(runs[1]!.error).toMatch(/strategy throws, hook forkMustCopy: threw Error: boom/);
    // The token of a thrown error replays it.
    const rp = faultline('replay', runs[1]!.errorReplay!, '--strategies-from', faultyModule());
    expect(rp.code).toBe(0);
    expect(rp.out).toMatch(/error: .*hook forkMustCopy: threw Error: boom/);
  });
});

describe('--time-budget is the whole command\'s', () => {
  it('runs it cuts say complete: false, cut: "time-budget" and what they covered; the others are whole', () => {
    const out = tmp();
    const r = faultline('run', 'configs/gup-cow', '--strategy', 'mapcount-reuse,fork-copy', '--explore', 'dfs', '--time-budget', '1', '--jobs', '2', '--out', out, '--format', 'json');
    expect(r.code).toBe(0);
    const runs = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).runs as { exploration: { complete: boolean; executions: number; cut?: string } }[];
    const cut = runs.filter((x) => x.exploration.cut === 'time-budget');
    // Plain DFS of every gup-cow workload takes far longer than a second.
    expect(cut.length).toBeGreaterThan(0);
    for (const x of cut) expect(x.exploration.complete).toBe(false);
    for (const x of runs) if (x.exploration.cut === undefined) expect(x.exploration.complete).toBe(true);
    expect(r.out).toMatch(/\d+ cut short by --time-budget: complete: false, with the executions they covered/);
  });
});

describe('interrupted runs', () => {
  it('Ctrl-C stops cleanly: partial summary, exit 130, earlier reports untouched, no temporary files', async () => {
    const out = tmp();
    writeFileSync(join(out, 'results.json'), 'EARLIER\n');
    writeFileSync(join(out, 'report.md'), 'EARLIER\n');
    const p = spawn(process.execPath, [join(ROOT, 'bin/faultline.js'), 'run', 'configs', '--jobs', '1', '--out', out], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d));
    const code = await new Promise<number | null>((resolve) => {
      p.on('close', (c) => resolve(c));
      // The whole of configs/ takes over a minute: the interrupt lands mid-run.
      setTimeout(() => p.kill('SIGINT'), 4000);
    });
    expect(code).toBe(130);
    expect(stdout).toMatch(/interrupted: \d+ of \d+ runs finished; no report written/);
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe('EARLIER\n');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toBe('EARLIER\n');
    expect(readdirSync(out).sort()).toEqual(['report.md', 'results.json']);
  });
});

describe('determinism', () => {
  it('results.json is the same run to run and with --jobs 1 and 2, apart from timings', () => {
    const ws = ['configs/gup-cow/bug2-dio-write-get.yaml', 'configs/gup-cow/pin-ro-cow-shared.yaml', 'configs/gup-cow/cve-2020-29374-vmsplice.yaml'];
    const strip = (s: string) => s.replace(/"startedAt": "[^"]*"/, '').replace(/"ms": \d+/g, '');
    const results = [['--jobs', '1'], ['--jobs', '1'], ['--jobs', '2']].map((jobs) => {
      const out = tmp();
      mkdirSync(out, { recursive: true });
      const r = faultline('run', ...ws, ...jobs, '--out', out, '--format', 'json');
      expect(r.code).toBe(0);
      return readFileSync(join(out, 'results.json'), 'utf8');
    });
    expect(JSON.parse(results[0]!).runs.length).toBeGreaterThan(20);
    results.forEach((r, i) => (results[i] = strip(r)));
    expect(results[1]).toBe(results[0]);
    expect(results[2]).toBe(results[0]);
  });
});
