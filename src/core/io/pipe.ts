/**
 * vmsplice() into a pipe: the pipe buffers hold references to the user's pages (R/O GUP, FOLL_GET),
 * so what a reader gets later is whatever those physical pages contain then: CVE-2020-29374 when the
 * page was COW-shared with another process that writes it.
 */
import type { Kernel } from '../Kernel.js';
import { FOLL_GET } from '../mm/flags.js';
import { get_user_pages_fast, gup_put_page, type Errno } from '../mm/gup.js';
import type { MmStruct } from '../mm/MmStruct.js';
import type { Page } from '../mm/Page.js';
import type { Runs } from '../mm/PageData.js';
import { READ } from '../sched/Access.js';
import type { KGen, Task } from '../sched/Task.js';

export class PipeBuffer {
  released = false;
  constructor(
    readonly pages: Page[],
    /** Offset of the data within the first page, and its length. */
    readonly off: number,
    readonly len: number,
  ) {}
}

export function* vmsplice_to_pipe(k: Kernel, t: Task, mm: MmStruct, addr: number, len: number): KGen<PipeBuffer | Errno> {
  k.stats.syscalls++;
  const ps = k.pageSize;
  const first = Math.floor(addr / ps);
  const last = Math.floor((addr + len - 1) / ps);
  const res = yield* get_user_pages_fast(k, t, mm, first, last - first + 1, FOLL_GET);
  if (res.err !== null) {
    for (const p of res.pages) gup_put_page(k, p, FOLL_GET);
    return res.err;
  }
  k.tracing && k.log(t, 'vmsplice_to_pipe', `pipe holds ${res.pages.map(String).join(', ')}`);
  return new PipeBuffer(res.pages, addr - first * ps, len);
}

/** pipe_read(): copy the spliced bytes out of the referenced pages and release them. */
export function* pipe_read(k: Kernel, t: Task, buf: PipeBuffer): KGen<Runs> {
  k.stats.syscalls++;
  const out: Runs = [];
  const ps = k.pageSize;
  yield buf.pages[0]!.obj * 4 + READ;
  for (let b = 0; b < buf.len; ) {
    const rel = buf.off + b;
    const page = buf.pages[Math.floor(rel / ps)]!;
    const po = rel % ps;
    const n = Math.min(buf.len - b, ps - po);
    page.data.read(po, po + n, out, b);
    b += n;
  }
  pipe_release(k, buf);
  k.tracing && k.log(t, 'pipe_read', `read ${buf.len} bytes from ${buf.pages.map(String).join(', ')}`);
  return out;
}

export function pipe_release(k: Kernel, buf: PipeBuffer): void {
  if (buf.released) return;
  buf.released = true;
  for (const p of buf.pages) gup_put_page(k, p, FOLL_GET);
}
