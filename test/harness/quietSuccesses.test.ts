/**
 * Nothing quietly passes because it did nothing, and nothing the model cannot tell apart from a
 * kernel bug is reported as one: each case is a clear refusal or a correct run.
 */
import { describe, expect, it } from 'vitest';
import { planRuns, runPlans } from '../../src/harness/Runner.js';
import { WorkloadError } from '../../src/harness/workload/WorkloadError.js';
import { registry, workload } from '../helpers.js';

const reg = registry();
const runOn = (yaml: string, strategy: string, id = 'uffd-retry/inline') => runPlans(planRuns([workload(yaml, id, reg)], reg, { strategies: [strategy] }))[0]!;

describe('quiet successes become refusals or correct runs', () => {
  it('a workload in which no thread does anything is refused at its processes key', () => {
    expect(() => workload('title: empty\nprocesses: {}\n')).toThrow(WorkloadError);
    expect(() => workload('title: empty\nprocesses:\n  P:\n    threads: { main: [] }\n')).toThrow(/inline\.yaml:3:3: processes: no thread has an op/);
  });

  it('a forked child with no threads exits at once: its copy of the memory is torn down, no page leaks', () => {
    const r = runOn(
      `
title: fork a child that only holds the parent's memory
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, fill: 0x11 }
        - fork: C
        - write: { at: buf, fill: 0x22 }
  C: {}
`,
      'v5.19',
      'gup-cow/inline',
    );
    expect(r.verdict).toBe('pass');
    expect(r.violations).toEqual([]);
  });

  it('a userfaultfd used before another thread opened it fails as a closed descriptor (EBADF), judged like any errno', () => {
    const yaml = (allow: string) => `
title: a handler thread reads a userfaultfd another thread opens
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      opener:
        - uffd_register: { as: u, at: buf }
      handler:
        - uffd_wake: { uffd: u, at: buf }${allow}
explore: { preemptions: 1 }
`;
    const r = runOn(yaml(''), 'v5.19');
    expect(r.verdict).toBe('fail');
    expect(r.error).toBeUndefined();
    expect(r.violations.map((v) => v.invariant)).toEqual(['unexpected-error']);
    expect(r.violations[0]!.message).toMatch(/^P\.handler: uffd_wake \(uffd-retry\/inline\.yaml:10\) got EBADF$/);
    expect(runOn(yaml('\n          allow: [EBADF]'), 'v5.19').verdict).toBe('pass');
  });
});
