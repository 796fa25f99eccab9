import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileWorkload, hostFacts } from '../../../src/harness/real/compile.js';
import { buildExecutor, findDioDir, runExecutor } from '../../../src/harness/real/executor.js';
import { workload } from '../../helpers.js';

/**
 * The executor's op mapping, on small deterministic workloads: each runs on this machine's kernel
 * and must print exactly the outcome the op's meaning fixes. Skipped, saying why, where there is no
 * Linux kernel or no C compiler to build the executor with.
 */
function why(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform}): the executor drives a Linux kernel`;
  try {
    execFileSync(process.env.CC ?? 'cc', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'no C compiler (cc) to build native/executor';
  }
  return null;
}
const skipReason = why();
if (skipReason !== null) console.warn(`executor tests skipped: ${skipReason}`);

const settings = { runs: 4, seed: 1, delayUs: 0, timeoutMs: 3000 };

async function outcomes(yaml: string): Promise<string[]> {
  const host = hostFacts(findDioDir());
  const c = compileWorkload(workload(yaml), host, settings);
  if ('skip' in c) throw new Error(`skipped: ${c.skip}`);
  const runs = await runExecutor(buildExecutor(), c.ok);
  return [...new Set(runs.map((r) => (r.timedOut ? `TIMEOUT ${r.outcome}` : r.outcome)))];
}

describe.skipIf(skipReason !== null)(`native executor on this kernel${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  it('write then read: the bytes read come back as runs', async () => {
    expect(await outcomes(`
title: t
processes:
  P:
    vmas: { buf: { pages: 2 } }
    threads:
      main:
        - write: { at: buf, off: 100, len: 200, fill: 0x11 }
        - read: { at: buf, off: 0, len: 400 }
`)).toEqual(['P.main#0=ok; P.main#1=ok:0x00*100,0x11*200,0x00*100']);
  });

  it('fork gives the child a COW copy: the parent write after the fork is not seen', async () => {
    expect(await outcomes(`
title: t
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, fill: 0x11 }
        - fork: C
        - write: { at: buf, fill: 0x22 }
        - post: written
        - await: read
        - read: { at: buf, len: 8 }
  C:
    threads:
      main:
        - await: written
        - read: { at: buf, len: 8 }
        - post: read
`)).toEqual(['P.main#0=ok; P.main#1=ok; P.main#2=ok; P.main#3=ok; P.main#4=ok; P.main#5=ok:0x22*8; C.main#0=ok; C.main#1=ok:0x11*8; C.main#2=ok']);
  });

  it('a write to a read-only mapping is SIGSEGV, and the process dies of it', async () => {
    expect(await outcomes(`
title: t
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - mprotect: { at: buf, prot: r }
        - { write: { at: buf, fill: 0x11 }, allow: [SIGSEGV] }
        - read: { at: buf, len: 1 }
`)).toEqual(['P.main#0=ok; P.main#1=SIGSEGV']);
  });

  it('madvise dontneed zaps anon memory; munmap makes it SIGSEGV', async () => {
    expect(await outcomes(`
title: t
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, fill: 0x11 }
        - madvise: { at: buf, advice: dontneed }
        - read: { at: buf, len: 4 }
        - munmap: { at: buf }
        - { read: { at: buf, len: 4 }, allow: [SIGSEGV] }
`)).toEqual(['P.main#0=ok; P.main#1=ok; P.main#2=ok:0x00*4; P.main#3=ok; P.main#4=SIGSEGV']);
  });

  it('shmem is shared by file: between processes; punch_hole zeroes it for every sharer', async () => {
    expect(await outcomes(`
title: t
processes:
  P:
    vmas: { a: { type: shmem, file: f, pages: 1 } }
    threads:
      main:
        - write: { at: a, fill: 0x11 }
        - post: w
        - await: r1
        - punch_hole: { at: a, len: 4096 }
        - post: p
  Q:
    vmas: { b: { type: shmem, file: f, pages: 1 } }
    threads:
      main:
        - await: w
        - read: { at: b, len: 4 }
        - post: r1
        - await: p
        - read: { at: b, len: 4 }
`)).toEqual(['P.main#0=ok; P.main#1=ok; P.main#2=ok; P.main#3=ok; P.main#4=ok; Q.main#0=ok; Q.main#1=ok:0x11*4; Q.main#2=ok; Q.main#3=ok; Q.main#4=ok:0x00*4']);
  });

  it('userfaultfd: a missing fault is resolved by the monitor with UFFDIO_COPY of the fill', async () => {
    expect(await outcomes(`
title: t
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - uffd_register: { as: u, at: buf, mode: [missing] }
        - post: registered
        - read: { at: buf, len: 16 }
      monitor:
        - await: registered
        - uffd_handle: { uffd: u, resolve: copy, fill: 0x5A }
`)).toEqual(['P.main#0=ok; P.main#1=ok; P.main#2=ok:0x5A*16; P.monitor#0=ok; P.monitor#1=ok']);
  });

  it('vmsplice + pipe_read, and a pin the device writes and reads through', async () => {
    expect(await outcomes(`
title: t
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, fill: 0x33 }
        - vmsplice: { as: s, at: buf, len: 64 }
        - pipe_read: s
        - pin: { as: p, at: buf, len: 4096, write: true }
        - pin_write: { pin: p, fill: 0x44 }
        - read: { at: buf, len: 8 }
        - write: { at: buf, len: 8, fill: 0x55 }
        - pin_read: p
        - unpin: p
`)).toEqual(['P.main#0=ok; P.main#1=ok; P.main#2=ok:0x33*64; P.main#3=ok; P.main#4=ok; P.main#5=ok:0x44*8; P.main#6=ok; P.main#7=ok:0x55*8,0x44*4088; P.main#8=ok']);
  });

  it('O_DIRECT read: the device fill lands in memory once dio_wait returns', async () => {
    expect(await outcomes(`
title: t
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - dio_read: { as: r, at: buf, off: 2048, len: 2048, fill: 0xAA }
        - dio_wait: r
        - read: { at: buf }
`)).toEqual(['P.main#0=ok; P.main#1=ok; P.main#2=ok:0x00*2048,0xAA*2048']);
  });

  it("ptrace_peek reads another process; signal kills it in its await; waitpid returns once it is gone (or was reaped already)", async () => {
    const got = await outcomes(`
title: t
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, fill: 0x77 }
        - post: ready
        - await: gone
  D:
    threads:
      gdb:
        - await: ready
        - ptrace_peek: { target: P, at: buf, off: 8, len: 8 }
        - signal: { thread: P.main }
        - waitpid: P
        - post: gone
`);
    // The kill lands in P's await (in flight: SIGKILL), or just before P starts it (no entry).
    const killedIn = 'P.main#0=ok; P.main#1=ok; P.main#2=SIGKILL; D.gdb#0=ok; D.gdb#1=ok:0x77*8; D.gdb#2=ok; D.gdb#3=ok; D.gdb#4=ok';
    const killedBefore = 'P.main#0=ok; P.main#1=ok; D.gdb#0=ok; D.gdb#1=ok:0x77*8; D.gdb#2=ok; D.gdb#3=ok; D.gdb#4=ok';
    for (const o of got) expect([killedIn, killedBefore]).toContain(o);
  });

  it('a run that cannot end is killed at the timeout and its blocked ops say stuck', async () => {
    const host = hostFacts(findDioDir());
    const c = compileWorkload(workload(`
title: t
processes:
  P:
    threads:
      a: [ { await: x }, { post: y } ]
      b: [ { await: y }, { post: x } ]
`), host, { ...settings, runs: 1, timeoutMs: 300 });
    if ('skip' in c) throw new Error(c.skip);
    const runs = await runExecutor(buildExecutor(), c.ok);
    expect(runs).toEqual([{ run: 0, timedOut: true, outcome: 'P.a#0=stuck; P.b#0=stuck' }]);
  });
});
