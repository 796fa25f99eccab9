import { describe, expect, it } from 'vitest';
import { explore } from '../../../src/harness/explore/explore.js';
import { needsKillPoints } from '../../../src/harness/runtime/killPoints.js';
import { UNBOUNDED } from '../../../src/harness/workload/types.js';
import { registry, workload } from '../../helpers.js';

// Linux 6.18 ran this (a generated workload, seed 20040) and killed the thread group at every
// place in between: main after its post and before its await, t1 after its munmap and before its
// pipe_read (docs/real-kernel.md, finding 9).
const siblings = workload(`
title: a thread reads what its sibling unmaps
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, fill: 0xCC }
        - post: go
        - await: t0-done
        - await: t1-done
      t0:
        - await: go
        - read: { at: buf, off: 0, len: 2048 }
        - post: t0-done
      t1:
        - await: go
        - vmsplice: { as: p1, at: buf, off: 0, len: 4096 }
        - munmap: { at: buf }
        - pipe_read: p1
        - post: t1-done
`);

describe("a fatal fault takes the whole thread group, wherever its other threads are", () => {
  const outcomes = explore(siblings, registry().resolve('v6.18'), { preemptions: UNBOUNDED }).outcomes!.map((o) => o.outcome);

  it('kills a sibling between two of its ops: t1 after munmap, before pipe_read', () => {
    expect(outcomes).toContain('P.main#0=ok; P.main#1=ok; P.main#2=ok; P.t0#0=ok; P.t0#1=SIGSEGV; P.t1#0=ok; P.t1#1=ok; P.t1#2=ok');
  });

  it('kills a thread after its post and before its await', () => {
    expect(outcomes).toContain('P.main#0=ok; P.main#1=ok; P.t0#0=ok; P.t0#1=SIGSEGV; P.t1#0=ok; P.t1#1=ok; P.t1#2=ok');
  });

  it('adds the points only where something can be fatal (they cost every exploration)', () => {
    expect(needsKillPoints(siblings)).toBe(true);
    expect(needsKillPoints(workload(`
title: bug 1's shape
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      io: [ { dio_read: { as: r, at: buf, off: 2048, len: 2048, fill: 0xAA } }, { dio_wait: r } ]
      forker: [ { fork: C } ]
  C:
    threads: { main: [ { read: { at: buf } } ] }
`))).toBe(false);
    expect(needsKillPoints(workload(`
title: a read-only mapping
processes:
  P:
    vmas: { buf: { pages: 1, prot: r } }
    threads:
      a: [ { read: { at: buf } } ]
      b: [ { read: { at: buf } } ]
`))).toBe(true);
  });
});
