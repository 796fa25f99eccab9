import { describe, expect, it } from 'vitest';
import { explore } from '../../src/harness/explore/explore.js';
import { registry, workload } from '../helpers.js';

/**
 * What each cost counter means, pinned on workloads small enough to count by hand. Every counter is
 * bumped where the kernel does the work, so the same workload gives the same figure under every
 * strategy that does the same work (docs/cost.md).
 */
const reg = registry();

/** min/median/max of one metric over the exhaustive exploration of `yaml` under `strategy`. */
function cost(yaml: string, strategy: string, metric: string) {
  const r = explore(workload(yaml), reg.resolve(strategy));
  expect(r.verdict, r.error ?? '').not.toBe('error');
  return r.cost[metric]!;
}

const forkThenWrite = (pages: number) => `
title: a parent writes ${pages} COW-shared pages after fork
processes:
  P:
    vmas: { buf: { pages: ${pages} } }
    threads:
      main:
        - write: { at: buf, fill: 0x11 }
        - fork: C
        - write: { at: buf, fill: 0x22 }
  C:
    threads:
      main:
        - read: { at: buf, off: 0, len: 8 }
explore: { mode: exhaustive, preemptions: 0 }
`;

describe('pages', () => {
  it('pageCopies: one per COW break, whichever side breaks it', () => {
    expect(cost(forkThenWrite(3), 'mapcount-reuse', 'pageCopies')).toEqual({ min: 3, median: 3, max: 3 });
    expect(cost(forkThenWrite(3), 'anon-exclusive', 'pageCopies').max).toBe(3);
  });

  it('pagesAllocated and peakPages: three written pages, three copies, the child exits', () => {
    expect(cost(forkThenWrite(3), 'mapcount-reuse', 'pagesAllocated').max).toBe(6);
    expect(cost(forkThenWrite(3), 'mapcount-reuse', 'peakPages').max).toBe(6);
  });

  it('forkCopies: pages fork copied instead of sharing, counted in pageCopies too', () => {
    const yaml = `
title: fork with two pinned pages
processes:
  P:
    vmas: { buf: { pages: 2 } }
    threads:
      main:
        - write: { at: buf, fill: 0x11 }
        - pin: { as: p, at: buf, write: true }
        - fork: C
        - unpin: p
  C:
    threads:
      main:
        - read: { at: buf, off: 0, len: 8 }
explore: { mode: exhaustive, preemptions: 0 }
`;
    expect(cost(yaml, 'fork-copy-pinned', 'forkCopies').max).toBe(2);
    expect(cost(yaml, 'fork-copy-pinned', 'pageCopies').max).toBe(2);
    expect(cost(yaml, 'mapcount-reuse', 'forkCopies').max).toBe(0);
  });
});

describe('time, in ticks', () => {
  const dio = (io: number, chunks: number) => `
title: an O_DIRECT write of ${chunks} transfers of ${io} ticks each, waited for
timing: { io: ${io} }
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, fill: 0x11 }
        - dio_write: { as: w, at: buf, chunks: ${chunks} }
        - dio_wait: w
explore: { mode: exhaustive, preemptions: 0 }
`;

  it('ioOps: one per DMA transfer', () => {
    expect(cost(dio(1, 4), 'mapcount-reuse', 'ioOps').max).toBe(4);
  });

  it('ioWaitTicks: the submitter waits for every transfer, and the wait grows with timing.io', () => {
    const a = cost(dio(1, 4), 'mapcount-reuse', 'ioWaitTicks').max;
    const b = cost(dio(10, 4), 'mapcount-reuse', 'ioWaitTicks').max;
    expect(b - a).toBe(4 * 9);
  });

  it('forkWaitSteps: fork waits behind the O_DIRECT request only where a strategy makes it (mm-gup-rwsem)', () => {
    const yaml = (io: number) => `
title: fork while an O_DIRECT write is in flight
timing: { io: ${io} }
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      io:
        - write: { at: buf, fill: 0x11 }
        - dio_write: { as: w, at: buf, chunks: 2 }
        - post: submitted
        - dio_wait: w
      forker:
        - await: submitted
        - fork: C
  C:
    threads:
      main:
        - read: { at: buf, off: 0, len: 8 }
explore: { mode: exhaustive, preemptions: 0 }
`;
    expect(cost(yaml(1), 'mapcount-reuse', 'forkWaitSteps').min).toBe(0);
    expect(cost(yaml(20), 'mapcount-reuse', 'forkWaitSteps').min).toBe(0);
    const short = cost(yaml(1), 'mm-gup-rwsem', 'forkWaitSteps').min;
    const long = cost(yaml(20), 'mm-gup-rwsem', 'forkWaitSteps').min;
    // Two transfers, each 19 ticks longer.
    expect(long - short).toBe(2 * 19);
  });

  it('mmapLockMaxHoldSteps: a fault that waits for userspace with mmap_lock held holds it as long as the monitor thinks', () => {
    const yaml = (think: number) => `
title: O_DIRECT into a missing userfaultfd page
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - uffd_register: { as: u, at: buf, mode: [missing] }
        - post: registered
      io:
        - await: registered
        - dio_read: { as: r1, at: buf, fill: 0xAA }
        - dio_wait: r1
        - post: done
      monitor:
        - await: registered
        - uffd_handle: { uffd: u, resolve: copy, fill: 0x5A, until: done, think: ${think} }
explore: { mode: exhaustive, preemptions: 0 }
`;
    const held = (s: string, think: number) => cost(yaml(think), s, 'mmapLockMaxHoldSteps').min;
    expect(held('gup-hold', 30) - held('gup-hold', 0)).toBe(30);
    expect(held('gup-locked', 30)).toBe(held('gup-locked', 0));
  });

  it('lockWaitTicks and tracerWaitSteps: a tracer queued behind a synchronous swap-in under event_mutex', () => {
    const yaml = (io: number) => `
title: one tracer faults a swapped-out enable word in under event_mutex, another waits
timing: { io: ${io} }
processes:
  P:
    vmas: { buf: { pages: 1 }, other: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, off: 0, len: 8, fill: 0 }
        - write: { at: other, off: 0, len: 8, fill: 0 }
        - user_events_register: { as: E1, at: buf, off: 0, size: 4, bit: 1 }
        - user_events_register: { as: E2, at: other, off: 0, size: 4, bit: 2 }
        - swapout: { at: buf }
        - post: ready
        - await: holding
  T:
    threads:
      first:
        - await: ready
        - user_events_set: { event: E1, enabled: true }
        - post: holding
      second:
        - await: ready
        - user_events_set: { event: E2, enabled: true }
explore: { mode: exhaustive, preemptions: 1 }
`;
    // The worst schedule: the second tracer asks for event_mutex while the first reads from swap.
    const wait = (s: string, io: number) => cost(yaml(io), s, 'tracerWaitSteps').max;
    expect(wait('sync-fault', 41)).toBeGreaterThan(wait('sync-fault', 1));
    expect(cost(yaml(41), 'sync-fault', 'eventMutexMaxHoldTicks').min - cost(yaml(1), 'sync-fault', 'eventMutexMaxHoldTicks').min).toBe(40);
    expect(cost(yaml(41), 'async-giveup', 'eventMutexMaxHoldTicks').min).toBe(cost(yaml(1), 'async-giveup', 'eventMutexMaxHoldTicks').min);
    expect(cost(yaml(41), 'sync-fault', 'lockWaitTicks').max).toBeGreaterThanOrEqual(wait('sync-fault', 41));
  });
});

describe('counted the same way under every strategy', () => {
  it('enablerFaults: the fault that brings a not-present enable word in, synchronous or by the worker', () => {
    const yaml = `
title: an enable word not present when the tracer enables
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, off: 0, len: 8, fill: 0 }
        - user_events_register: { as: E, at: buf, off: 0, size: 4, bit: 0 }
        - madvise: { at: buf, advice: dontneed }
        - post: ready
        - await: done
  T:
    threads:
      tracer:
        - await: ready
        - user_events_set: { event: E, enabled: true }
        - post: done
explore: { mode: exhaustive, preemptions: 0 }
`;
    // Registration finds the page present (no fault); the enable faults it in once, in the ioctl
    // (sync-fault) or in the worker (async; where P exits before the worker runs, nobody faults).
    expect(cost(yaml, 'sync-fault', 'enablerFaults')).toEqual({ min: 1, median: 1, max: 1 });
    for (const s of ['async-giveup', 'async-retry-forever', 'kill-on-fault']) expect(cost(yaml, s, 'enablerFaults').max, s).toBe(1);
  });

  it('processesKilled: only a strategy that kills does', () => {
    const yaml = `
title: the enable word is unmapped, then enabled
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - user_events_register: { as: E, at: buf, off: 0, size: 4, bit: 0 }
        - munmap: { at: buf }
        - post: unmapped
        - await: traced
          allow: [SIGKILL]
  T:
    threads:
      tracer:
        - await: unmapped
        - user_events_set: { event: E, enabled: true }
        - post: traced
explore: { mode: exhaustive, preemptions: 0 }
`;
    expect(cost(yaml, 'kill-on-fault', 'processesKilled').max).toBe(1);
    expect(cost(yaml, 'async-giveup', 'processesKilled').max).toBe(0);
  });

  it('uffdWpMetadataBytes: one bit a page for a bitmap, a page table a PAGE_SIZE/8 ptes for markers that outlive their pages', () => {
    const yaml = (pages: number) => `
title: ${pages} write-protected shmem pages punched out
page_size: 1024
processes:
  P:
    vmas: { buf: { type: shmem, file: f, pages: ${pages} } }
    threads:
      main:
        - write: { at: buf, fill: 0x11 }
        - uffd_register: { as: u, at: buf, mode: [wp] }
        - uffd_writeprotect: { uffd: u, at: buf, wp: true }
        - punch_hole: { at: buf }
explore: { mode: exhaustive, preemptions: 0 }
`;
    expect(cost(yaml(64), 'vma-bitmap', 'uffdWpMetadataBytes').max).toBe(8);
    expect(cost(yaml(64), 'wp-bit-in-pte', 'uffdWpMetadataBytes').max).toBe(0);
    // The VMA starts at page 16: pages 16..79 lie in the first 128-entry page table.
    expect(cost(yaml(64), 'pte-marker', 'uffdWpMetadataBytes').max).toBe(1024);
    expect(cost(yaml(240), 'pte-marker', 'uffdWpMetadataBytes').max).toBe(2 * 1024);
  });
});
