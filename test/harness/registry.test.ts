/**
 * The registry: what a family runs by default. A proposal that reads as two building blocks (the
 * seed's TRIED2 limit comes with the waitqueue recheck) runs as that composition, beside the blocks.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompositionError } from '../../src/core/Strategy.js';
import { Registry } from '../../src/harness/registry.js';
import { WorkloadError } from '../../src/harness/workload/WorkloadError.js';
import { CONFIGS, registry } from '../helpers.js';

describe('Registry readings', () => {
  const reg = registry();
  it('uffd-retry runs tried-twice alone (the building block) and tried-twice+spinlock-recheck (the proposal as written)', () => {
    const specs = reg.familyStrategies('uffd-retry');
    expect(specs).toContain('tried-twice');
    expect(specs).toContain('tried-twice+spinlock-recheck');
    const k = reg.resolve('tried-twice+spinlock-recheck');
    expect(k.parts.map((p) => p.name).sort()).toEqual(['spinlock-recheck', 'tried-twice']);
  });
  it('other families do not get it', () => {
    expect(reg.familyStrategies('gup-cow')).not.toContain('tried-twice+spinlock-recheck');
  });
});

describe('compositions that would run something else than their name says', () => {
  const reg = registry();
  it('a strategy named twice, or a kernel with a strategy it already has, is refused', () => {
    expect(() => reg.resolve('refcount-reuse+refcount-reuse')).toThrow(CompositionError);
    expect(() => reg.resolve('refcount-reuse+refcount-reuse')).toThrow(/refcount-reuse\+refcount-reuse names refcount-reuse twice/);
    expect(() => reg.resolve('v5.9+refcount-reuse')).toThrow(/v5\.9\+refcount-reuse: v5\.9 already has refcount-reuse/);
    expect(() => reg.resolve('refcount-reuse+')).toThrow(/unknown strategy '' \(an empty name between \+ signs\)/);
  });
});

describe('kernels.yaml problems found when a timeline is composed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kernels-'));
  const base = readFileSync(join(CONFIGS, 'kernels.yaml'), 'utf8');
  const load = (text: string) => {
    const f = join(dir, 'kernels.yaml');
    writeFileSync(f, text);
    return () => Registry.load(f);
  };
  const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

  it('an unknown strategy is refused at its line in the file, with the name it was meant to be', () => {
    const bad = base.replace(/(\n  v5\.9:[\s\S]*?strategies: \[)refcount-reuse,/, '$1refcount-reuce,');
    expect(bad).not.toBe(base);
    expect(load(bad)).toThrow(WorkloadError);
    expect(load(bad)).toThrow(new RegExp(`kernels\\.yaml:${lineOf(bad, 'refcount-reuce')}:\\d+: kernel v5\\.9 names unknown strategy refcount-reuce \\(did you mean refcount-reuse\\?\\)`));
  });

  it('a conflict names the kernel and where it is', () => {
    const bad = base.replace(/(\n  v5\.9:[\s\S]*?strategies: \[)refcount-reuse,/, '$1refcount-reuse, fork-copy,');
    expect(load(bad)).toThrow(/kernels\.yaml:\d+:\d+: kernel v5\.9: strategies .* both override the hook/);
  });

  it('a strategy listed twice is refused', () => {
    const bad = base.replace(/(\n  v5\.9:[\s\S]*?strategies: \[)refcount-reuse,/, '$1refcount-reuse, refcount-reuse,');
    expect(load(bad)).toThrow(/kernels\.v5\.9\.strategies: refcount-reuse is listed twice/);
  });
});
