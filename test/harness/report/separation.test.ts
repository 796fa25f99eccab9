import { describe, expect, it } from 'vitest';
import { separationSection } from '../../../src/harness/report/markdown.js';
import { cost, run, violation } from './fixtures.js';

describe("report.md: where a family's strategies part", () => {
  it('names, per pair, the first workload whose verdict differs, else a differing cost, else says none does', () => {
    const runs = [
      run('uffd-retry/seed', 'tried-once', { violations: [violation('spurious-sigbus')] }),
      run('uffd-retry/seed', 'retry-unlimited', { cost: { faultRetries: cost(2) } }),
      run('uffd-retry/seed', 'spinlock-recheck', { cost: { faultRetries: cost(1) } }),
      run('uffd-retry/seed', 'v4.3', { violations: [violation('spurious-sigbus')] }),
      run('uffd-retry/other', 'tried-once'),
      run('uffd-retry/other', 'retry-unlimited'),
      run('uffd-retry/other', 'spinlock-recheck'),
    ];
    const s = separationSection(runs, ['tried-once', 'retry-unlimited', 'spinlock-recheck', 'v4.3'])!;
    const lines = s.split('\n');
    // Kernel timelines are not paired: three strategies, three pairs.
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('`tried-once` / `retry-unlimited`: `uffd-retry/seed`: spurious-sigbus vs pass');
    expect(lines[2]).toContain('`retry-unlimited` / `spinlock-recheck`: `uffd-retry/seed`: faultRetries 2 vs 1');
  });

  it('says so when no workload separates a pair', () => {
    const s = separationSection([run('f/w', 'a'), run('f/w', 'b')], ['a', 'b'])!;
    expect(s).toBe('- `a` / `b`: no workload separates them');
  });
});
