import { stringify } from 'yaml';
import { Rng } from '../explore/rng.js';

/** The workload families the generator draws from (the folders of configs/). */
export const FAMILIES = ['gup-cow', 'gup-unlock', 'uffd-retry', 'uffd-wp-shmem', 'user-events'] as const;
export type Family = (typeof FAMILIES)[number];

type Op = Record<string, unknown>;

interface Thread {
  name: string;
  ops: Op[];
}

interface Proc {
  name: string;
  vmas?: Record<string, unknown>;
  threads: Thread[];
}

/** A generated workload: its YAML text and what it was made from. */
export interface Generated {
  seed: number;
  family: Family;
  yaml: string;
}

const PAGE = 4096;

/**
 * A seeded generator of small random workloads, for the differential tester: DPOR against DFS,
 * trace classes against their verdicts, sampling against exhaustive search. Each family draws from
 * the operations its kernel paths race on (threads and processes, fork, O_DIRECT, pins, vmsplice,
 * swap, madvise, userfaultfd monitors, shmem, user_events), in 2-4 threads of at most a few ops,
 * so that bounded DFS stays within a few thousand executions. The same seed gives the same
 * workload on every machine.
 */
export function generate(seed: number, family?: Family): Generated {
  const r = new Rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[r.below(xs.length)]!;
  const chance = (p: number) => r.below(1000) < p * 1000;
  const fam = family ?? pick(FAMILIES);
  const fill = () => 0x11 * (1 + r.below(14));
  const range = (pages: number): { off: number; len: number } => {
    // Whole pages, half pages, or a few bytes: the oracle's byte ranges overlap in every way.
    const size = pages * PAGE;
    const k = r.below(4);
    if (k === 0) return { off: 0, len: size };
    if (k === 1) return { off: 0, len: size / 2 };
    if (k === 2) return { off: size / 2, len: size / 2 };
    return { off: r.below(size / 16) * 16, len: 16 };
  };
  let handles = 0;
  const hname = (p: string) => `${p}${++handles}`;

  const P: Proc = { name: 'P', vmas: {}, threads: [] };
  const procs: Proc[] = [P];
  const shmem = fam === 'uffd-wp-shmem' || (fam === 'uffd-retry' && chance(0.2)) || (fam === 'gup-cow' && chance(0.1));
  const pages = fam === 'user-events' || chance(0.7) ? 1 : 2;
  P.vmas!.buf = shmem ? { type: 'shmem', file: 'f', pages } : { type: 'anon', pages };
  const swapDev = chance(0.3);

  const setup: Op[] = [];
  const main: Thread = { name: 'main', ops: setup };
  P.threads.push(main);
  // Most workloads start from written memory: the interesting paths need a present page.
  if (chance(0.8)) setup.push({ write: { at: 'buf', fill: fill() } });

  const uffd = fam === 'uffd-retry' || fam === 'uffd-wp-shmem' || (fam === 'gup-unlock' && chance(0.7));
  let uffdMode: string[] = [];
  if (uffd) {
    uffdMode = fam === 'uffd-wp-shmem' ? ['wp'] : fam === 'uffd-retry' && chance(0.4) ? ['wp'] : shmem && chance(0.3) ? ['minor'] : ['missing'];
    if (uffdMode[0] === 'missing' && setup.length && !shmem) setup.pop();
    const events = chance(0.2) ? ['fork'] : [];
    setup.push({ uffd_register: { as: 'u', at: 'buf', mode: uffdMode, ...(events.length ? { events } : {}) } });
    if (uffdMode[0] === 'wp') setup.push({ uffd_writeprotect: { uffd: 'u', at: 'buf', wp: true } });
  }
  const ue = fam === 'user-events';
  if (ue) {
    setup.push({ user_events_register: { as: 'E1', at: 'buf', off: 8 * r.below(4), size: pick([4, 8]), bit: r.below(8) } });
    if (chance(0.4)) setup.push({ user_events_register: { as: 'E2', at: 'buf', off: 8 * r.below(4), size: 4, bit: r.below(8) } });
  }
  if (swapDev && chance(0.5)) setup.push({ swapout: { at: 'buf' } });
  setup.push({ post: 'go' });

  const forks = fam !== 'uffd-retry' && chance(0.4);
  const child: Proc | null = forks ? { name: 'C', threads: [] } : null;

  /** One racing op, with any op it needs after it in the same thread. */
  const racer = (inChild: boolean): Op[] => {
    const rg = range(pages);
    const menu: (() => Op[])[] = [
      () => [{ write: { at: 'buf', ...rg, fill: fill() } }],
      () => [{ read: { at: 'buf', ...rg } }],
    ];
    if (fam === 'gup-cow' || fam === 'gup-unlock') {
      menu.push(() => {
        const h = hname('r');
        return [{ dio_read: { as: h, at: 'buf', ...rg, fill: fill(), gup: pick(['get', 'pin']) } }, { dio_wait: h }];
      });
    }
    if (fam === 'gup-cow') {
      menu.push(() => {
        const h = hname('w');
        return [{ dio_write: { as: h, at: 'buf', ...rg, gup: pick(['get', 'pin']) } }, { dio_wait: h }];
      });
      menu.push(() => {
        const h = hname('h');
        const write = chance(0.5);
        return [{ pin: { as: h, at: 'buf', ...rg, write, fast: chance(0.5) } }, write && chance(0.5) ? { pin_write: { pin: h, fill: fill() } } : { pin_read: h }, { unpin: h }];
      });
      menu.push(() => {
        const h = hname('p');
        return [{ vmsplice: { as: h, at: 'buf', ...rg } }, ...(chance(0.5) ? [{ munmap: { at: 'buf' } }] : []), { pipe_read: h }];
      });
      menu.push(() => [{ swapout: { at: 'buf' } }]);
    }
    if (fam === 'gup-unlock') {
      menu.push(() => [{ kvm_fault: { at: 'buf', off: 0, write: chance(0.5) } }]);
      if (!inChild) menu.push(() => [{ mprotect: { at: 'buf', prot: pick(['r', 'rw']) } }]);
    }
    if (fam === 'uffd-retry' || fam === 'gup-cow') menu.push(() => [{ madvise: { at: 'buf', advice: 'dontneed' } }]);
    if (fam === 'uffd-wp-shmem') {
      menu.push(() => [{ punch_hole: { at: 'buf', off: 0, len: PAGE } }]);
      menu.push(() => [{ swapout: { at: 'buf' } }]);
      menu.push(() => [{ madvise: { at: 'buf', advice: 'dontneed' } }]);
    }
    if (ue) {
      menu.push(() => [{ user_events_set: { event: 'E1', enabled: chance(0.5) } }]);
      menu.push(() => [{ swapout: { at: 'buf' } }]);
      if (!inChild) menu.push(() => [{ mprotect: { at: 'buf', prot: 'r' } }, { mprotect: { at: 'buf', prot: 'rw' } }]);
    }
    return pick(menu)();
  };

  // Racing threads of P (and of the child), each after `go`, each posting its own end.
  const ends: string[] = [];
  const nThreads = forks || uffd || ue ? 1 : 1 + r.below(2);
  for (let i = 0; i < nThreads; i++) {
    const name = `t${i}`;
    const ops: Op[] = [{ await: 'go' }];
    const n = chance(0.3) ? 2 : 1;
    for (let j = 0; j < n; j++) ops.push(...racer(false));
    ops.push({ post: `${name}-done` });
    ends.push(`${name}-done`);
    P.threads.push({ name, ops });
  }
  if (forks) {
    const forker = chance(0.5) ? main : P.threads[1]!;
    if (forker === main) setup.splice(setup.length - 1, 0, { fork: 'C' });
    else forker.ops.splice(1 + r.below(forker.ops.length - 1), 0, { fork: 'C' });
    const ops: Op[] = [...racer(true)];
    ops.push({ post: 'C-done' });
    ends.push('C-done');
    child!.threads.push({ name: 'main', ops });
    procs.push(child!);
  }
  if (uffd) {
    const resolve = uffdMode[0] === 'wp' ? 'unprotect' : uffdMode[0] === 'minor' ? 'continue' : pick(['copy', 'zeropage']);
    P.threads.push({ name: 'monitor', ops: [{ await: 'go' }, { uffd_handle: { uffd: 'u', resolve, ...(resolve === 'copy' ? { fill: fill() } : {}), until: 'all-done' } }] });
  }
  if (ue) {
    procs.push({ name: 'T', threads: [{ name: 'tracer', ops: [{ await: 'go' }, { user_events_set: { event: 'E1', enabled: true } }] }] });
  }
  // The main thread waits for every racer, then lets the monitor go and reads what is left.
  for (const e of ends) setup.push({ await: e });
  if (uffd) setup.push({ post: 'all-done' });
  if (chance(0.5)) setup.push({ read: { at: 'buf' } });

  const doc: Record<string, unknown> = {
    title: `generated ${fam} workload, seed ${seed}`,
    family: fam,
    processes: Object.fromEntries(procs.map((p) => [p.name, { ...(p.vmas ? { vmas: p.vmas } : {}), threads: Object.fromEntries(p.threads.map((t) => [t.name, t.ops])) }])),
    explore: { mode: 'exhaustive', preemptions: chance(0.25) ? 2 : 1 },
  };
  return { seed, family: fam, yaml: stringify(doc, { lineWidth: 0 }) };
}
