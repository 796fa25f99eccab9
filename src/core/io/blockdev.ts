/**
 * A block device doing O_DIRECT: the submitter GUPs the user buffer (get_user_pages_fast, as
 * iov_iter_get_pages did; or pin_user_pages_fast once O_DIRECT moved to FOLL_PIN), submits the bio
 * and returns; the device then DMAs the buffer in several chunks, each a scheduling point, and at
 * completion dirties (for reads) and releases the pages. The DMA goes to whatever physical pages GUP
 * returned, which is the whole point of the gup-cow races.
 */
import type { Kernel } from '../Kernel.js';
import { userRange } from '../trace.js';
import { FOLL_GET, FOLL_PIN, FOLL_WRITE } from '../mm/flags.js';
import { get_user_pages_fast, gup_put_page, type Errno } from '../mm/gup.js';
import type { MmStruct } from '../mm/MmStruct.js';
import { DATA_GRANULE, pageDataObject, type Page } from '../mm/Page.js';
import type { Runs } from '../mm/PageData.js';
import { READ, WRITE } from '../sched/Access.js';
import { Completion } from '../sched/Completion.js';
import type { KGen, Task } from '../sched/Task.js';

export interface DioChunk {
  /** Offset of the chunk within the request's byte range, and its length. */
  off: number;
  len: number;
}

export interface DioObserver {
  /** A read request's device wrote `fill` into this chunk of the buffer. */
  dmaToMemory?(chunk: DioChunk): void;
  /** A write request's device read this chunk of the buffer. */
  dmaFromMemory?(chunk: DioChunk, data: Runs): void;
}

export class DioRequest {
  readonly done: Completion;
  pages: Page[] = [];
  constructor(
    k: Kernel,
    readonly id: string,
    readonly isRead: boolean,
    readonly mm: MmStruct,
    readonly addr: number,
    readonly len: number,
    readonly gupFlags: number,
  ) {
    this.done = new Completion(k.sched, `dio ${id}`, true);
  }
}

export interface DioArgs {
  id: string;
  read: boolean;
  addr: number;
  len: number;
  /** FOLL_PIN or FOLL_GET; null: what this kernel's O_DIRECT does (the dioPinsPages hook). */
  pin: boolean | null;
  fill: number;
  chunks: number;
}

/** The modelled disk's logical block size (bdev_logical_block_size()). */
export const DIO_ALIGN = 512;

/** __blockdev_direct_IO(): GUP the buffer and submit; the DMA runs on a device context. */
export function* blockdev_direct_IO(k: Kernel, t: Task, mm: MmStruct, a: DioArgs, obs: DioObserver): KGen<DioRequest | Errno> {
  k.stats.syscalls++;
  // Direct I/O moves whole logical blocks by DMA: the buffer's address and length must be
  // multiples of the device's logical block size (512 bytes modelled), or the request fails with
  // -EINVAL before any GUP (fs/direct-io.c's `align & blocksize_mask`; fs/iomap/direct-io.c's
  // check, which ext4 uses since 5.5). Linux 6.18 refused a 16-byte O_DIRECT read this way.
  if ((a.addr | a.len) & (DIO_ALIGN - 1)) return 'EINVAL';
  yield* k.hooks.dioBegin(k, t, mm);
  const ps = k.pageSize;
  const first = Math.floor(a.addr / ps);
  const last = Math.floor((a.addr + a.len - 1) / ps);
  const pin = a.pin ?? k.hooks.dioPinsPages(k);
  const flags = (a.read ? FOLL_WRITE : 0) | (pin ? FOLL_PIN : FOLL_GET);
  const res = yield* get_user_pages_fast(k, t, mm, first, last - first + 1, flags);
  if (res.err !== null) {
    for (const p of res.pages) gup_put_page(k, p, flags);
    k.hooks.dioEnd(k, t, mm);
    return res.err;
  }
  const req = new DioRequest(k, a.id, a.read, mm, a.addr, a.len, flags);
  req.pages = res.pages;
  k.tracing && k.log(t, 'submit_bio', `O_DIRECT ${a.read ? 'read' : 'write'} ${a.id}: ${a.len} bytes via ${res.pages.map(String).join(', ')}`);
  k.sched.spawn(`dev.${a.id}`, null, true, (dev) => dma(k, dev, t, req, a, obs));
  return req;
}

function* dma(k: Kernel, dev: Task, submitter: Task, req: DioRequest, a: DioArgs, obs: DioObserver): KGen {
  const ps = k.pageSize;
  const nchunks = Math.max(1, Math.min(a.chunks, a.len));
  const base = Math.floor(a.addr / ps) * ps;
  for (let c = 0; c < nchunks; c++) {
    const off = Math.floor((a.len * c) / nchunks);
    const end = Math.floor((a.len * (c + 1)) / nchunks);
    const firstPage = req.pages[Math.floor((a.addr + off - base) / ps)]!;
    // The chunk's bytes, not the struct page: DMA commutes with refcount changes and with stores
    // into other parts of the page.
    yield pageDataObject(firstPage.obj, Math.floor((a.addr + off - base) % ps / DATA_GRANULE)) * 4 + (a.read ? WRITE : READ);
    const data: Runs | null = a.read ? null : [];
    for (let b = off; b < end; ) {
      const rel = a.addr + b - base;
      const page = req.pages[Math.floor(rel / ps)]!;
      const po = rel % ps;
      const n = Math.min(end - b, ps - po);
      if (page.freed) throw new Error(`DMA into freed ${page}`);
      if (a.read) page.data.fill(a.fill, po, po + n);
      else page.data.read(po, po + n, data!, b - off);
      b += n;
    }
    k.ioDone(dev, false);
    k.tracing && k.log(dev, 'dma', `${a.read ? 'write' : 'read'} ${a.id} ${userRange(k, req.mm, a.addr + off, end - off)} ${a.read ? 'into' : 'from'} ${firstPage}`);
    if (a.read) obs.dmaToMemory?.({ off, len: end - off });
    else obs.dmaFromMemory?.({ off, len: end - off }, data!);
  }
  // bio_endio -> dio_complete: dirty what the device wrote, release the GUP references.
  for (const p of req.pages) {
    if (a.read) p.dirty = true;
    gup_put_page(k, p, req.gupFlags);
  }
  k.hooks.dioEnd(k, submitter, req.mm);
  k.tracing && k.log(dev, 'dio_complete', `${a.id} done`);
  req.done.complete();
}
