/**
 * include/linux/highmem.h: copy_user_highpage(), the page copy of a COW fault. It is a plain
 * memory copy (copy_page(): rep movsq on x86), not atomic with respect to a device writing the
 * source page by DMA at the same time: the copy can take some of the device's bytes and miss the
 * rest. It is modelled as COPY_CHUNKS pieces, each a scheduling point, the granularity at which the
 * modelled devices write (dio_read's default two chunks), so that a torn copy is reachable.
 */
import type { Kernel } from '../Kernel.js';
import { READ } from '../sched/Access.js';
import type { KGen } from '../sched/Task.js';
import { DATA_GRANULE, pageDataObject, type Page } from './Page.js';

export const COPY_CHUNKS = 2;

export function* copy_user_highpage(k: Kernel, to: Page, from: Page): KGen<void> {
  const size = k.pageSize;
  for (let c = 0; c < COPY_CHUNKS; c++) {
    const lo = Math.floor((size * c) / COPY_CHUNKS);
    yield pageDataObject(from.obj, Math.floor(lo / DATA_GRANULE)) * 4 + READ;
    to.data.copyRange(from.data, lo, Math.floor((size * (c + 1)) / COPY_CHUNKS));
  }
  // The copying thread is the running one; its step takes `timing.copy` ticks.
  k.copied(k.sched.current!);
}
