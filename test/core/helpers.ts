/**
 * Shared set-up for the core model's unit tests: one Kernel, a process with an anonymous mapping,
 * and one user thread that performs a script of operations under the scheduler. Every helper that
 * can fail asserts, so a test never silently continues past a failed fault, fork or GUP.
 */
import { expect } from 'vitest';
import { Kernel } from '../../src/core/Kernel.js';
import { baselineHooks, type Hooks } from '../../src/core/hooks.js';
import { compose, type Strategy } from '../../src/core/Strategy.js';
import { user_access } from '../../src/core/arch/uaccess.js';
import { dup_mmap } from '../../src/core/mm/fork.js';
import { get_user_pages, get_user_pages_fast } from '../../src/core/mm/gup.js';
import { insert_vma } from '../../src/core/mm/mmap.js';
import type { MmStruct } from '../../src/core/mm/MmStruct.js';
import type { Page } from '../../src/core/mm/Page.js';
import type { Runs } from '../../src/core/mm/PageData.js';
import { PTE_PRESENT, PTE_SWAP, type Pte } from '../../src/core/mm/Pte.js';
import type { Vma } from '../../src/core/mm/Vma.js';
import { defaultChoice, type Chooser } from '../../src/core/sched/Chooser.js';
import type { SwapDeviceKind } from '../../src/core/mm/swap.js';
import type { KGen, Task } from '../../src/core/sched/Task.js';

export const PS = 4096;

export interface KernelOpts {
  limitPages?: number;
  maxSteps?: number;
  chooser?: Chooser;
  swapDevice?: SwapDeviceKind;
}

/** A kernel with the given hooks (the 2.6.32 baseline by default) and the no-preemption schedule. */
export function makeKernel(hooks: Hooks = baselineHooks, o: KernelOpts = {}): Kernel {
  return new Kernel(
    { pageSize: PS, limitPages: o.limitPages ?? 64, maxSteps: o.maxSteps ?? 10000, hooks, swapDevice: o.swapDevice },
    o.chooser ?? { choose: defaultChoice },
  );
}

/** A kernel running the baseline with these strategies' hooks composed over it. */
export function kernelWith(...strategies: Strategy[]): Kernel {
  return makeKernel(compose(strategies.map((s) => s.name).join('+') || 'baseline', strategies).hooks);
}

/** The hooks of these strategies composed over the baseline (for makeKernel with options). */
export function hooksOf(...strategies: Strategy[]): Hooks {
  return compose(strategies.map((s) => s.name).join('+') || 'baseline', strategies).hooks;
}

/**
 * A schedule written as switches: whenever the running task is `from` and `when()` holds, run task
 * `to` instead (each switch fires once, in order); otherwise no preemption (defaultChoice).
 */
export function switchesChooser(switches: { from: string; when: (t: Task) => boolean; to: string }[]): Chooser {
  let i = 0;
  return {
    choose(runnable, n, cur) {
      const sw = switches[i];
      if (sw !== undefined && cur !== null && cur.name === sw.from && sw.when(cur)) {
        const to = runnable.slice(0, n).find((t) => t.name === sw.to);
        if (to !== undefined) {
          i++;
          return to;
        }
      }
      return defaultChoice(runnable, n, cur);
    },
  };
}

/** A private, readable and writable anonymous mapping (a COW mapping). */
export function anonVma(mm: MmStruct, pages = 1, name = 'buf'): Vma {
  return insert_vma(mm, { name, pages, read: true, write: true, shared: false });
}

/** A process `name` with one anonymous mapping of `pages` pages. */
export function newProcess(k: Kernel, pages = 1, name = 'P'): { mm: MmStruct; vma: Vma } {
  const mm = k.newMm(name);
  return { mm, vma: anonVma(mm, pages) };
}

/** Run `body` as the only thread and require that the run completes normally. */
export function runThread(k: Kernel, body: (t: Task) => KGen<void>, name = 'P.t'): void {
  k.sched.spawn(name, null, false, body);
  const end = k.sched.run();
  expect(end).toEqual({ kind: 'done' });
}

/** A CPU store of `fill` to bytes [off, off+len) of page `vpn`; it must succeed. */
export function* store(k: Kernel, t: Task, mm: MmStruct, vpn: number, fill: number, off = 0, len = PS - off): KGen<void> {
  const err = yield* user_access(k, t, mm, vpn * PS + off, len, fill, null);
  expect(err, `store to ${mm.name}:${vpn}`).toBeNull();
}

/** A CPU load of bytes [off, off+len) of page `vpn`, as runs; it must succeed. */
export function* load(k: Kernel, t: Task, mm: MmStruct, vpn: number, off = 0, len = PS - off): KGen<Runs> {
  const out: Runs = [];
  const err = yield* user_access(k, t, mm, vpn * PS + off, len, null, out);
  expect(err, `load from ${mm.name}:${vpn}`).toBeNull();
  return out;
}

/** fork(): the child's mm; must not fail. */
export function* fork(k: Kernel, t: Task, mm: MmStruct, child = 'C'): KGen<MmStruct> {
  const r = yield* dup_mmap(k, t, mm, child);
  if (!('mm' in r)) throw new Error(`fork failed: ${r.err}`);
  return r.mm;
}

/** get_user_pages (or _fast) of one page; must succeed and return exactly one page. */
export function* gupOne(k: Kernel, t: Task, mm: MmStruct, vpn: number, flags: number, fast = false): KGen<Page> {
  const r = fast ? yield* get_user_pages_fast(k, t, mm, vpn, 1, flags) : yield* get_user_pages(k, t, mm, vpn, 1, flags);
  expect(r.err).toBeNull();
  expect(r.pages).toHaveLength(1);
  return r.pages[0]!;
}

/** The pte of `vpn`, which must be present; with the page it maps. */
export function present(mm: MmStruct, vpn: number): { pte: Pte; page: Page } {
  const pte = mm.pt.get(vpn);
  expect(pte?.kind, `pte ${mm.name}:${vpn} present`).toBe(PTE_PRESENT);
  expect(pte!.page).not.toBeNull();
  return { pte: pte!, page: pte!.page! };
}

/** The pte of `vpn`, which must be a swap entry. */
export function swapPte(mm: MmStruct, vpn: number): Pte {
  const pte = mm.pt.get(vpn);
  expect(pte?.kind, `pte ${mm.name}:${vpn} is a swap entry`).toBe(PTE_SWAP);
  return pte!;
}

/** A whole page of one byte value, as a load reports it. */
export function filled(val: number, len = PS): Runs {
  return [0, len, val];
}
