import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_STRATEGIES } from '../../strategies/index.js';
import { defineStrategy } from '../../src/api/index.js';
import { checkStrategy } from '../../src/harness/strategyCheck.js';
import { loadStrategyModules, StrategyModuleError } from '../../src/harness/strategyModules.js';
import { ROOT } from '../helpers.js';

const FAMILIES = [...new Set(ALL_STRATEGIES.map((s) => s.family))];

/** A module in a folder outside the tree, as a developer keeps one. */
function module(name: string, text: string): string {
  const d = mkdtempSync(join(tmpdir(), 'faultline-strategy-'));
  const f = join(d, name);
  writeFileSync(f, text);
  return f;
}

async function refusal(file: string): Promise<string> {
  try {
    await loadStrategyModules([file]);
  } catch (e) {
    expect(e).toBeInstanceOf(StrategyModuleError);
    return (e as Error).message;
  }
  throw new Error('loaded');
}

const good = `import { defineStrategy } from 'faultline';
export default defineStrategy({
  name: 'my-reuse',
  family: 'gup-cow',
  summary: 'reuse only when page_count is 1',
  hooks: {
    wpReuse: (_k, page) => page.refcount === 1,
  },
});
`;

describe('strategy modules (--strategies-from)', () => {
  it('a .ts module kept anywhere loads, importing defineStrategy from faultline', async () => {
    const [s] = await loadStrategyModules([module('mine.ts', good)]);
    expect(s!.name).toBe('my-reuse');
    expect(s!.refs).toEqual([]);
    expect(typeof s!.hooks.wpReuse).toBe('function');
  });

  it('a misspelt hook is refused at its line and column, with the hook it was meant to be', async () => {
    const f = module('typo.ts', good.replace('wpReuse:', 'wpreuse:'));
    expect(await refusal(f)).toMatch(/typo\.ts:7:5: strategy my-reuse: unknown hook wpreuse \(did you mean wpReuse\?\)/);
  });

  it('a plain .mjs object is checked the same: unknown family, field, non-function hook', async () => {
    const plain = (body: string) => module('plain.mjs', `export const strategies = [{\n  name: 'p',\n${body}\n}];\n`);
    expect(await refusal(plain("  family: 'gupcow',\n  summary: 's',\n  hooks: {},"))).toMatch(/plain\.mjs:3:11: strategy p: unknown family gupcow \(did you mean gup-cow\?\)/);
    expect(await refusal(plain("  family: 'gup-cow',\n  summmary: 's',\n  hooks: {},"))).toMatch(/plain\.mjs:4:3: strategy p: unknown field summmary \(did you mean summary\?\)/);
    expect(await refusal(plain("  family: 'gup-cow',\n  hooks: { forkMustCopy: true },"))).toMatch(/plain\.mjs:4:12: strategy p: hook forkMustCopy is boolean, not a function/);
    expect(await refusal(plain("  family: 'gup-cow',\n  hooks: { forkBegin: () => {} },"))).toMatch(/hook forkBegin must be a generator function/);
    expect(await refusal(plain("  family: 'gup-cow',\n  hooks: { *wpReuse() { return true; } },"))).toMatch(/hook wpReuse must be a plain function/);
  });

  it('names that could not be written back on the command line are refused', () => {
    expect(checkStrategy({ name: 'a+b', family: 'gup-cow', hooks: {} }, FAMILIES)?.message).toMatch(/name must be/);
    expect(checkStrategy({ name: 'a~b', family: 'gup-cow', hooks: {} }, FAMILIES)?.message).toMatch(/name must be/);
  });

  it('defineStrategy refuses at definition time too, for code that never goes through the loader', () => {
    expect(() => defineStrategy({ name: 'x', family: 'gup-cow', summary: '', hooks: { wpreuse: () => true } as never })).toThrow(/unknown hook wpreuse \(did you mean wpReuse\?\)/);
  });

  it('every strategy in the tree passes the same checks', () => {
    for (const s of ALL_STRATEGIES) expect(checkStrategy(s, FAMILIES)).toBeNull();
  });

  it('the package types catch a misspelt hook in an editor (tsc against the built .d.ts)', () => {
    const d = mkdtempSync(join(tmpdir(), 'faultline-types-'));
    mkdirSync(join(d, 'node_modules'));
    symlinkSync(ROOT, join(d, 'node_modules', 'faultline'));
    writeFileSync(join(d, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: true, types: [] }, files: ['good.ts', 'typo.ts'] }));
    writeFileSync(join(d, 'package.json'), '{"type":"module"}');
    writeFileSync(join(d, 'good.ts'), good);
    writeFileSync(join(d, 'typo.ts'), good.replace('wpReuse:', 'wpreuse:').replace("'gup-cow'", "'gupcow'"));
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', d], { encoding: 'utf8' });
    const errors = r.stdout.split('\n').filter((l) => /error TS/.test(l));
    expect(errors.filter((l) => !/typo\.ts\(/.test(l))).toEqual([]);
    expect(r.stdout).toMatch(/typo\.ts\(4,3\): error TS2820: .*'"gupcow"'.*Did you mean '"gup-cow"'\?/);
    expect(r.stdout).toMatch(/typo\.ts\(7,5\): error TS2561: .*'wpreuse'.*Did you mean to write 'wpReuse'\?/);
  });
});

describe('docs/strategies.md', () => {
  const example = readFileSync(join(ROOT, 'examples/strategies/copy-if-pinned.ts'), 'utf8');
  const docs = readFileSync(join(ROOT, 'docs/strategies.md'), 'utf8');

  it('shows the example module as it is in examples/', () => {
    const code = example.replace(/^\/\/.*\n/gm, '').replace(/\/\*\*[\s\S]*?\*\/\n/g, '').trim();
    expect(docs).toContain(code);
  });

  it('the worked example runs through the matrix with the outcomes the docs explain', () => {
    const out = mkdtempSync(join(tmpdir(), 'faultline-example-'));
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'bin/faultline.js'), 'run', 'gup-cow/bug1-dio-read-pin', 'gup-cow/bug2-dio-write-pin', 'gup-cow/dio-read-vs-reclaim-pin', '--strategies-from', 'examples/strategies/copy-if-pinned.ts', '--strategy', 'copy-if-pinned', '--out', out, '--jobs', '1'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    const cell = (w: string) => results.runs.find((x: { workload: string }) => x.workload === w).violations.map((v: { invariant: string }) => v.invariant).sort();
    expect(cell('gup-cow/bug2-dio-write-pin')).toEqual([]);
    expect(cell('gup-cow/bug1-dio-read-pin')).toEqual(['cross-process-leak', 'lost-dio-read']);
    expect(cell('gup-cow/dio-read-vs-reclaim-pin')).toEqual(['lost-dio-read']);
    expect(results.strategiesFrom).toEqual(['examples/strategies/copy-if-pinned.ts']);
    // The replay line in the report works as pasted.
    const token = results.runs[0].violations[0].replay;
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(`faultline replay ${token} --strategies-from examples/strategies/copy-if-pinned.ts`);
    const rp = spawnSync(process.execPath, [join(ROOT, 'bin/faultline.js'), 'replay', token, '--strategies-from', 'examples/strategies/copy-if-pinned.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(rp.status).toBe(0);
    expect(rp.stdout).toMatch(/violated (cross-process-leak|lost-dio-read)/);
  });
});
