import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filterWorkloads, findWorkloadFiles, resolveWorkloadArgs, UnknownWorkloadError, workloadId } from '../../src/harness/workloads.js';
import { CONFIGS } from '../helpers.js';

describe('workload names on the command line', () => {
  it('a workload id, as reports print it, names its file under configs/', () => {
    expect(resolveWorkloadArgs(['gup-cow/bug1-dio-read-get'], CONFIGS)).toEqual([join(CONFIGS, 'gup-cow/bug1-dio-read-get.yaml')]);
    expect(resolveWorkloadArgs(['gup-cow'], CONFIGS)).toEqual([join(CONFIGS, 'gup-cow')]);
  });

  it('a misspelt id is refused with the id it was meant to be', () => {
    expect(() => resolveWorkloadArgs(['gup-cow/bug1-dio-read-gte'], CONFIGS)).toThrow(UnknownWorkloadError);
    expect(() => resolveWorkloadArgs(['gup-cow/bug1-dio-read-gte'], CONFIGS)).toThrow(/did you mean gup-cow\/bug1-dio-read-get\?/);
    expect(() => resolveWorkloadArgs(['gupcow'], CONFIGS)).toThrow(/did you mean gup-cow\?/);
  });

  it('ids are never `..` or absolute, and keep the family folder, wherever the file is', () => {
    const d = mkdtempSync(join(tmpdir(), 'faultline-ids-'));
    mkdirSync(join(d, 'gup-cow'));
    const f = join(d, 'gup-cow', 'mine.yaml');
    writeFileSync(f, 'title: x\n');
    // The temp folder is outside the current folder: the id starts at the folder holding the argument.
    expect(workloadId(f, CONFIGS, d)).toBe(`${d.split('/').pop()}/gup-cow/mine`);
    expect(workloadId(f, CONFIGS, join(d, 'gup-cow'))).toBe('gup-cow/mine');
    expect(workloadId(f, CONFIGS, f)).toBe('gup-cow/mine');
    for (const w of findWorkloadFiles([d], CONFIGS)) {
      expect(w.id).not.toMatch(/^\/|\.\./);
    }
    expect(workloadId(join(CONFIGS, 'gup-cow/bug1-dio-read-get.yaml'), CONFIGS)).toBe('gup-cow/bug1-dio-read-get');
  });
});

describe('-t/--filter', () => {
  const ws = ['gup-cow/bug1-dio-read-get', 'gup-cow/bug2-dio-write-get', 'uffd-retry/spurious-wakeup'].map((id) => ({ id }));
  it('a plain pattern is a substring of the id', () => {
    expect(filterWorkloads(ws, ['dio']).map((w) => w.id)).toEqual(['gup-cow/bug1-dio-read-get', 'gup-cow/bug2-dio-write-get']);
  });
  it('a glob matches the id from its start or from any folder', () => {
    expect(filterWorkloads(ws, ['bug1*']).map((w) => w.id)).toEqual(['gup-cow/bug1-dio-read-get']);
    expect(filterWorkloads(ws, ['uffd-retry/*']).map((w) => w.id)).toEqual(['uffd-retry/spurious-wakeup']);
    expect(filterWorkloads(ws, ['*write*', 'spurious']).map((w) => w.id)).toEqual(['gup-cow/bug2-dio-write-get', 'uffd-retry/spurious-wakeup']);
  });
  it('a pattern that matches nothing is bad input, not an empty run', () => {
    expect(() => filterWorkloads(ws, ['bug1', 'bugg3*'])).toThrow(/--filter bugg3\* matches no workload/);
  });
});
