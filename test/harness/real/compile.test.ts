import { describe, expect, it } from 'vitest';
import { compileWorkload, type HostFacts } from '../../../src/harness/real/compile.js';
import { asThisKernelRunsIt, hostTimeline, parseVersion } from '../../../src/harness/real/real.js';
import { registry, workload } from '../../helpers.js';

const host: HostFacts = { swap: false, userEvents: false, dioDir: '/var/tmp' };
const settings = { runs: 1, seed: 1, delayUs: 0, timeoutMs: 1000 };

describe('compiling a workload for the real kernel', () => {
  it('skips, saying why, what the kernel cannot be driven to do on demand', () => {
    const skip = (ops: string, h: HostFacts = host) => {
      const c = compileWorkload(workload(`
title: t
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main: ${ops}
      other: [ { read: { at: buf } } ]
`), h, settings);
      return 'skip' in c ? c.skip : null;
    };
    expect(skip('[ { spurious_wakeup: other } ]')).toMatch(/spurious/);
    expect(skip('[ { kvm_fault: { at: buf } } ]')).toMatch(/KVM/);
    expect(skip('[ { user_events_register: { as: e, at: buf, bit: 0 } } ]')).toMatch(/CONFIG_USER_EVENTS/);
    expect(skip('[ { swapout: { at: buf } } ]')).toMatch(/no swap is active/);
    expect(skip('[ { swapout: { at: buf } } ]', { ...host, swap: true })).toBeNull();
    expect(skip('[ { dio_read: { as: r, at: buf, fill: 1 } } ]', { ...host, dioDir: null })).toMatch(/O_DIRECT/);
    expect(skip('[ { read: { at: buf } } ]', { ...host, pageSize: 16384 })).toMatch(/page_size 4096: this machine's pages are 16384 bytes/);
  });

  it('resolves names to indices, makes lengths explicit and lays out where bytes read go', () => {
    const c = compileWorkload(workload(`
title: t
processes:
  P:
    vmas: { a: { pages: 2 }, s: { type: shmem, file: f, pages: 1 } }
    threads:
      main:
        - read: { at: a, off: 4096 }
        - uffd_register: { as: u, at: s, mode: [wp, minor], events: [fork] }
        - fork: C
        - post: e
  C:
    threads:
      main:
        - await: e
        - read: { at: s, len: 16 }
`), host, settings);
    if (!('ok' in c)) throw new Error('skipped');
    const w = c.ok;
    expect(w.keys).toEqual(['P.main#0', 'P.main#1', 'P.main#2', 'P.main#3', 'C.main#0', 'C.main#1']);
    expect(w.files).toEqual([1]);
    expect(w.procs.map((p) => p.boot)).toEqual([1, 0]);
    const [read, reg, fork] = w.procs[0]!.threads[0]!.ops;
    expect(read).toMatchObject({ op: 'read', vma: 0, off: 4096, len: 4096, bytes: 1, data: 0 });
    // WP and MINOR on shmem need their UFFD_FEATURE bits; events: [fork] is UFFD_FEATURE_EVENT_FORK.
    expect(reg).toMatchObject({ op: 'uffd_register', vma: 1, mode: 2 | 4, features: (1 << 1) | (1 << 10) | (1 << 12) });
    expect(fork).toMatchObject({ op: 'fork', proc: 1 });
    expect(w.procs[1]!.threads[0]!.ops[1]).toMatchObject({ op: 'read', vma: 1, len: 16, data: 4096 });
    expect(w.dataBytes).toBe(4096 + 16);
  });

  it('asks the model about the O_DIRECT request this kernel makes (FOLL_PIN), and says so', () => {
    const w = workload(`
title: t
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main: [ { dio_read: { as: r, at: buf, fill: 1, gup: get } }, { dio_wait: r } ]
`);
    const { workload: m, notes } = asThisKernelRunsIt(w);
    expect((m.processes[0]!.threads[0]!.ops[0]!.args as { gup: string }).gup).toBe('pin');
    expect(notes).toHaveLength(1);
  });

  it('runs a workload written for another page size with the machine\'s pages, and asks the model about that same workload', () => {
    const w = workload(`
title: t
page_size: 1024
processes:
  P:
    vmas: { buf: { pages: 3 } }
    threads:
      main: [ { write: { at: buf, fill: 1 } }, { read: { at: buf, off: 100, len: 8 } } ]
`);
    const { workload: m, notes } = asThisKernelRunsIt(w, 4096);
    expect(m.pageSize).toBe(4096);
    expect(m.processes[0]!.vmas[0]!.pages).toBe(3);
    expect(notes.join(' ')).toMatch(/page_size 1024 runs with this machine's 4096-byte pages/);
    const c = compileWorkload(m, host, settings);
    expect('ok' in c).toBe(true);
    expect(asThisKernelRunsIt(w, 1024).workload).toBe(w);
  });
});

describe('the timeline of the running kernel', () => {
  it('is the newest named kernel not newer than uname -r', () => {
    expect(parseVersion('6.18.44-fc-v782')).toEqual([6, 18, 44]);
    expect(parseVersion('v5.19')).toEqual([5, 19]);
    const reg = registry();
    expect(hostTimeline(reg, '5.18.3')).toBe('v5.18');
    expect(hostTimeline(reg, '4.9.0')).toBe('v4.3');
    expect(hostTimeline(reg, '2.4.0')).toBeNull();
  });
});
