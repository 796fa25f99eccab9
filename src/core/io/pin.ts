/**
 * The device side of a FOLL_PIN (RDMA, vfio, io_uring fixed buffers): pin_user_pages, then the
 * device reads or writes the pinned physical pages whenever it likes, and finally unpins.
 */
import type { Kernel } from '../Kernel.js';
import { FOLL_LONGTERM, FOLL_PIN, FOLL_WRITE } from '../mm/flags.js';
import { get_user_pages, get_user_pages_fast, gup_put_page, type Errno } from '../mm/gup.js';
import type { MmStruct } from '../mm/MmStruct.js';
import type { Page } from '../mm/Page.js';
import type { Runs } from '../mm/PageData.js';
import { READ, WRITE } from '../sched/Access.js';
import type { KGen, Task } from '../sched/Task.js';

export class PinHandle {
  released = false;
  constructor(
    readonly mm: MmStruct,
    readonly pages: Page[],
    readonly firstVpn: number,
    readonly gupFlags: number,
  ) {}
}

export interface PinArgs {
  addr: number;
  len: number;
  write: boolean;
  fast: boolean;
  longterm: boolean;
}

export function* pin_user_pages(k: Kernel, t: Task, mm: MmStruct, a: PinArgs): KGen<PinHandle | Errno> {
  k.stats.syscalls++;
  const ps = k.pageSize;
  const first = Math.floor(a.addr / ps);
  const nr = Math.floor((a.addr + a.len - 1) / ps) - first + 1;
  const flags = FOLL_PIN | (a.write ? FOLL_WRITE : 0) | (a.longterm ? FOLL_LONGTERM : 0);
  const res = a.fast ? yield* get_user_pages_fast(k, t, mm, first, nr, flags) : yield* get_user_pages(k, t, mm, first, nr, flags);
  if (res.err !== null) {
    for (const p of res.pages) gup_put_page(k, p, flags);
    return res.err;
  }
  return new PinHandle(mm, res.pages, first, flags);
}

/** The device reads `len` bytes at `off` (relative to the first pinned page) through the pin. */
export function* pin_device_read(k: Kernel, t: Task, h: PinHandle, off: number, len: number): KGen<Runs> {
  const out: Runs = [];
  const ps = k.pageSize;
  yield h.pages[Math.floor(off / ps)]!.obj * 4 + READ;
  for (let b = 0; b < len; ) {
    const rel = off + b;
    const page = h.pages[Math.floor(rel / ps)]!;
    const po = rel % ps;
    const n = Math.min(len - b, ps - po);
    page.data.read(po, po + n, out, b);
    b += n;
  }
  k.tracing && k.log(t, 'pin_read', `device reads ${h.pages.map(String).join(', ')}`);
  return out;
}

export function* pin_device_write(k: Kernel, t: Task, h: PinHandle, off: number, len: number, fill: number): KGen<void> {
  const ps = k.pageSize;
  yield h.pages[Math.floor(off / ps)]!.obj * 4 + WRITE;
  for (let b = 0; b < len; ) {
    const rel = off + b;
    const page = h.pages[Math.floor(rel / ps)]!;
    const po = rel % ps;
    const n = Math.min(len - b, ps - po);
    page.data.fill(fill, po, po + n);
    page.dirty = true;
    b += n;
  }
  k.tracing && k.log(t, 'pin_write', `device writes ${h.pages.map(String).join(', ')}`);
}

/** unpin_user_pages_dirty_lock(). */
export function unpin_user_pages(k: Kernel, h: PinHandle): void {
  if (h.released) return;
  h.released = true;
  for (const p of h.pages) {
    if (h.gupFlags & FOLL_WRITE) p.dirty = true;
    gup_put_page(k, p, h.gupFlags);
  }
}
