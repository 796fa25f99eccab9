import { WRITE } from './sched/Access.js';
import { stableObject } from './sched/Footprint.js';
import { BUG_ON, KernelBug } from './bug.js';
import type { Hooks } from './hooks.js';
import { MmStruct } from './mm/MmStruct.js';
import { Page } from './mm/Page.js';
import { SwapDevice, type SwapDeviceKind } from './mm/swap.js';
import type { Chooser } from './sched/Chooser.js';
import { Scheduler } from './sched/Scheduler.js';
import type { Task } from './sched/Task.js';
import type { Stats } from './stats.js';

export interface KernelConfig {
  pageSize: number;
  /** Allocations beyond this many pages fail (VM_FAULT_OOM / -ENOMEM). */
  limitPages: number;
  maxSteps: number;
  hooks: Hooks;
  /** The machine's word: BITS_PER_LONG and byte order (user_events' bitops depend on both). */
  arch?: Arch;
  /** What swap is backed by (default a disk: reads complete asynchronously). */
  swapDevice?: SwapDeviceKind;
  /** How long device transfers and page copies take, in ticks (a thread's step is one). */
  timing?: Timing;
}

export interface Timing {
  /** One device transfer: a DMA chunk of an O_DIRECT request, a swap read or write. */
  io: number;
  /** Copying one page (copy_user_highpage). */
  copy: number;
}

export const DEFAULT_TIMING: Timing = { io: 1, copy: 1 };

export interface Arch {
  bits: 32 | 64;
  endian: 'little' | 'big';
}

/**
 * One simulated machine for one execution: the scheduler, physical memory, swap, every mm, and the
 * strategy's hooks. Nothing in here is shared between executions.
 */
/** The page allocator, as one object for partial-order reduction. */
const PAGE_ALLOCATOR = stableObject(6, 2, 0);

export class Kernel {
  readonly sched: Scheduler;
  readonly stats: Stats;
  readonly hooks: Hooks;
  readonly pageSize: number;
  readonly limitPages: number;
  readonly zeroPage: Page;
  readonly swap: SwapDevice;
  readonly mms: MmStruct[] = [];
  /** Allocated pages (not counting the zero page), for peakPages and the teardown leak check. */
  readonly pages = new Set<Page>();
  readonly arch: Arch;
  readonly timing: Timing;
  /** Per-machine state of subsystems outside mm (e.g. user_events' event_mutex and mm list), by name. */
  readonly ext = new Map<string, unknown>();
  /** CONFIG_DEBUG_VM (`--check-model`): check the whole model's consistency between steps. */
  debugVm = false;
  private nextPfn = 1;

  constructor(cfg: KernelConfig, chooser: Chooser) {
    this.sched = new Scheduler(chooser, cfg.maxSteps);
    this.stats = this.sched.stats;
    this.hooks = cfg.hooks;
    this.pageSize = cfg.pageSize;
    this.limitPages = cfg.limitPages;
    this.arch = cfg.arch ?? { bits: 64, endian: 'little' };
    this.timing = cfg.timing ?? DEFAULT_TIMING;
    this.zeroPage = new Page(this.sched, 0, cfg.pageSize, true);
    this.swap = new SwapDevice(this.sched, cfg.swapDevice);
  }

  get tracing(): boolean {
    return this.sched.trace !== null;
  }

  log(t: Task, fn: string, event: string): void {
    this.sched.trace?.push({ step: this.sched.steps, cpu: t.name, fn, event });
  }

  newMm(name: string): MmStruct {
    const mm = new MmStruct(this.sched, this.mms.length, name);
    this.mms.push(mm);
    return mm;
  }

  /** copy_user_highpage(): the copying thread's step takes `timing.copy` ticks. */
  copied(t: Task): void {
    this.stats.pageCopies++;
    this.sched.spend(t, this.timing.copy);
  }

  /** A device transfer done by `t` (or that `t` waits for synchronously): `timing.io` ticks. */
  ioDone(t: Task, waiting: boolean): void {
    this.stats.ioOps++;
    this.sched.spend(t, this.timing.io);
    if (waiting) this.stats.ioWaitTicks += this.timing.io;
  }

  /** alloc_page(GFP_HIGHUSER_MOVABLE): null when the workload's memory limit is reached. */
  alloc_page(): Page | null {
    // The allocator hands out pfns (and object numbers) in order, and the limit depends on every
    // free: allocations are ordered with each other, and with frees when a limit is set.
    this.sched.touch(PAGE_ALLOCATOR * 4 + WRITE);
    if (this.pages.size >= this.limitPages) return null;
    const p = new Page(this.sched, this.nextPfn++, this.pageSize);
    this.pages.add(p);
    this.stats.pagesAllocated++;
    if (this.pages.size > this.stats.peakPages) this.stats.peakPages = this.pages.size;
    return p;
  }

  get_page(page: Page): void {
    if (page.zero) return;
    BUG_ON(page.freed || page.refcount <= 0, `get_page on freed ${page}`);
    page.refcount++;
  }

  /** put_page(): the last reference frees the page. */
  put_page(page: Page, n = 1): void {
    if (page.zero) return;
    if (page.freed) throw new KernelBug(`put_page on freed ${page}`);
    page.refcount -= n;
    if (page.refcount < 0) throw new KernelBug(`${page} refcount underflow`);
    if (page.refcount < page.mapcount) throw new KernelBug(`${page} refcount ${page.refcount} below mapcount ${page.mapcount}`);
    if (page.refcount === 0) this.free_page(page);
  }

  private free_page(page: Page): void {
    if (page.mapcount !== 0 || page.rmap.length !== 0) throw new KernelBug(`freeing ${page} while still mapped`);
    if (page.swapcache) throw new KernelBug(`freeing ${page} while in the swap cache`);
    page.freed = true;
    // A free decides an allocation's success only at the limit (s pages, limit s: freeing first
    // lets it succeed); below it, frees and allocations commute.
    if (this.pages.size >= this.limitPages) this.sched.touch(PAGE_ALLOCATOR * 4 + WRITE);
    this.pages.delete(page);
  }
}
