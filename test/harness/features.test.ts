import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Registry, loadKernels } from '../../src/harness/registry.js';
import { planRuns, runPlans } from '../../src/harness/Runner.js';
import { WorkloadError } from '../../src/harness/workload/WorkloadError.js';
import { CONFIGS, registry, workload } from '../helpers.js';

/** uffd write-protect on shmem: UFFDIO_REGISTER gives EINVAL before 5.19 (vma_can_userfault). */
const WP_SHMEM = `
title: write to a uffd-wp'd shmem page
processes:
  P:
    vmas: { buf: { type: shmem, file: f, pages: 1 } }
    threads:
      main:
        - write: { at: buf, fill: 0x11 }
        - uffd_register: { as: u, at: buf, mode: [wp] }
        - uffd_writeprotect: { uffd: u, at: buf }
        - { write: { at: buf, fill: 0x22 }, allow: [EFAULT] }
      handler:
        - uffd_handle: { uffd: u, resolve: unprotect }
explore: { mode: exhaustive, preemptions: 1 }
`;

describe('kernel features a workload needs', () => {
  it('come from the ops and the types of the mappings they name', () => {
    const w = workload(WP_SHMEM);
    expect(w.needs.map((n) => n.feature)).toEqual(['userfaultfd', 'uffd-wp-shmem', 'uffd-wp']);
    const anon = workload(WP_SHMEM.replace('type: shmem, file: f, ', ''));
    expect(anon.needs.map((n) => n.feature)).toEqual(['userfaultfd', 'uffd-wp']);
  });

  it('follow a mapping made by mmap, and explicit gup: pin, and nothing for plain memory ops', () => {
    const w = workload(`
title: mmap'd shmem registered for minor faults; an explicit FOLL_PIN O_DIRECT
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - mmap: { name: sh, type: shmem, file: f }
        - uffd_register: { as: u, at: sh, mode: [minor] }
        - dio_read: { as: r, at: buf, fill: 0x5a, gup: pin }
        - dio_wait: r
`);
    expect(w.needs.map((n) => n.feature)).toEqual(['userfaultfd', 'uffd-minor-shmem', 'pin-user-pages']);
    const plain = workload(`
title: fork and write, O_DIRECT with the kernel's own gup
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - dio_read: { as: r, at: buf, fill: 0x5a }
        - dio_wait: r
        - fork: C
  C:
    threads:
      main: [{ read: { at: buf } }]
`);
    expect(plain.needs).toEqual([]);
  });
});

describe('a named kernel that lacks a feature skips the run', () => {
  const reg = registry();

  it('says which feature, the release that added it and its commit; candidates have every feature', () => {
    const w = workload(WP_SHMEM);
    expect(reg.skipReason(w, 'v5.18')).toBe('uffd-wp-shmem: 5.19, b1f9e876862d');
    expect(reg.skipReason(w, 'v2.6.32')).toBe('userfaultfd: 4.3, 86039bd3b4e6');
    expect(reg.skipReason(w, 'v5.19')).toBeNull();
    expect(reg.skipReason(w, 'wp-bit-in-pte')).toBeNull();
    expect(reg.skipReason(w, 'v5.18+pte-marker')).toBe('uffd-wp-shmem: 5.19, b1f9e876862d');
  });

  it('explores nothing, violates nothing, and is judged by its own expect entry only', () => {
    const w = workload(`${WP_SHMEM}expect:\n  default: []\n  v5.18: skip\n  v4.3: [missed-wp-fault]\n`);
    const runs = runPlans(planRuns([w], reg, { strategies: ['v5.18', 'v4.10', 'v4.3', 'wp-bit-in-pte'] }));
    const [v518, v410, v43, cand] = runs;
    expect(v518).toMatchObject({ verdict: 'skip', skip: 'uffd-wp-shmem: 5.19, b1f9e876862d', violations: [], expected: ['skip'], matchesExpected: true });
    expect(v518!.exploration).toMatchObject({ executions: 0, steps: 0, complete: false });
    // `default` speaks of runs that run: a kernel too old for the workload is not held to it.
    expect(v410).toMatchObject({ verdict: 'skip', expected: null, matchesExpected: null });
    // An outcome recorded for a kernel that could not run the workload is a mismatch.
    expect(v43).toMatchObject({ verdict: 'skip', expected: ['missed-wp-fault'], matchesExpected: false });
    expect(cand!.verdict).not.toBe('skip');
    expect(cand!.exploration.executions).toBeGreaterThan(0);
  });

  it('expect: skip for a kernel that runs the workload is a mismatch', () => {
    const w = workload(`${WP_SHMEM}expect:\n  v5.19: skip\n`);
    const [r] = runPlans(planRuns([w], reg, { strategies: ['v5.19'] }));
    expect(r).toMatchObject({ expected: ['skip'], matchesExpected: false });
    expect(r!.verdict).not.toBe('skip');
  });

  it('refuses skip inside a list', () => {
    expect(() => workload(`${WP_SHMEM}expect:\n  v5.18: [skip]\n`)).toThrow(/write `v5.18: skip` instead of a list/);
  });
});

describe('configs/kernels.yaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kernels-'));
  const base = readFileSync(join(CONFIGS, 'kernels.yaml'), 'utf8');
  const load = (text: string) => {
    const f = join(dir, 'kernels.yaml');
    writeFileSync(f, text);
    return () => loadKernels(f);
  };

  it('gives every timeline its release and features, each feature its release and commit', () => {
    const { kernels, features } = loadKernels(join(CONFIGS, 'kernels.yaml'));
    const v64 = kernels.find((k) => k.name === 'v6.4')!;
    expect(v64.version).toBe('6.4');
    expect(v64.features).toContain('user-events');
    expect(features.find((f) => f.id === 'user-events')).toMatchObject({ since: '6.4', commit: '7235759084a4' });
    for (const k of ['v6.2', 'v6.4', 'v6.5']) expect(kernels.map((x) => x.name)).toContain(k);
    expect(kernels.some((k) => Number(k.version.split('.')[0]) === 6 && Number(k.version.split('.')[1]) >= 12)).toBe(true);
  });

  it('refuses a timeline that leaves out a feature its release had', () => {
    const bad = base.replace(/(v5\.19:[\s\S]*?features: \[[^\]]*?), uffd-wp-shmem\]/, '$1]');
    expect(bad).not.toBe(base);
    expect(load(bad)).toThrow(WorkloadError);
    expect(load(bad)).toThrow(/kernels\.v5\.19: 5\.19 has uffd-wp-shmem \(5\.19\): list it under features:/);
  });

  it('refuses a feature newer than the timeline, and an unknown one', () => {
    const newer = base.replace(/(v5\.18:[\s\S]*?features: \[)/, '$1uffd-wp-shmem, ');
    expect(load(newer)).toThrow(/kernels\.v5\.18\.features: uffd-wp-shmem came in 5\.19 \(b1f9e876862d\), after 5\.18/);
    const unknown = base.replace(/(v5\.18:[\s\S]*?features: \[)/, '$1uffd-wp-shmen, ');
    expect(load(unknown)).toThrow(/unknown feature uffd-wp-shmen \(did you mean uffd-wp-shmem\?\)/);
  });
});

describe('--strategy host', () => {
  const reg = Registry.load(join(CONFIGS, 'kernels.yaml'));
  it('is the newest timeline not newer than uname -r', () => {
    expect(reg.hostKernel('6.18.0-12-amd64')?.name).toBe('v6.18');
    expect(reg.hostKernel('6.3.1')?.name).toBe('v6.2');
    expect(reg.hostKernel('5.19.0')?.name).toBe('v5.19');
    expect(reg.hostKernel('7.1.0')?.name).toBe('v6.18');
    expect(reg.hostKernel('2.6.18-408.el5')).toBeNull();
    expect(reg.expandHost(['mapcount-reuse', 'host'], '5.10.0-rt')).toEqual(['mapcount-reuse', 'v5.9']);
    expect(() => reg.expandHost(['host'], '2.6.18')).toThrow(/no kernel timeline is as old as this machine's kernel \(2\.6\.18\)/);
  });
});
