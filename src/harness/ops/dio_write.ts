import { z } from 'zod';
import { blockdev_direct_IO } from '../../core/io/blockdev.js';
import { defineOp } from './OpDef.js';
import { at, gup, len, name, off } from './common.js';

/**
 * O_DIRECT write: GUP for read, then the device reads the buffer in chunks. What reaches the disk is
 * judged against the submitter's memory between submission and that chunk's DMA.
 */
export const dio_write = defineOp({
  name: 'dio_write',
  summary: 'O_DIRECT write (io_submit): GUP the buffer for read; the device DMAs it to disk asynchronously. `off` and `len` must be multiples of 512, else dio_wait gets EINVAL',
  args: z.strictObject({ as: name, at, off, len, gup, chunks: z.number().int().min(1).max(8).default(2) }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len }, defines: { handle: a.as, kind: 'dio' } }),
  needs: (a) => (a.gup === 'pin' ? [{ feature: 'pin-user-pages', why: 'gup: pin (FOLL_PIN)' }] : []),
  *run({ k, t, proc, ex }, a) {
    const w = ex.where(proc, a.at, a.off, a.len);
    const t0 = ex.oracle.start(proc.name, w.vma, false, w.off, w.len);
    const r = yield* blockdev_direct_IO(k, t, proc.mm, { id: a.as, read: false, addr: w.addr, len: w.len, pin: a.gup === undefined ? null : a.gup === 'pin', fill: 0, chunks: a.chunks }, {
      dmaFromMemory: (c, data) => {
        const cw = { vma: w.vma, off: w.off + c.off, len: c.len, addr: w.addr + c.off };
        ex.observe(proc, cw, data, t0, ex.oracle.end(proc.name, w.vma, false, cw.off, cw.len), 'device', `the disk write ${a.as}`, t0);
      },
    });
    // The request is submitted with io_submit(), which succeeds: a failure before any I/O
    // (alignment, GUP) completes the iocb with the error (aio_rw_done()), seen by dio_wait.
    if (typeof r === 'string') proc.handles.set(a.as, { kind: 'dio', req: null, err: r, vma: w.vma, off: w.off, len: w.len });
    else proc.handles.set(a.as, { kind: 'dio', req: r, err: null, vma: w.vma, off: w.off, len: w.len });
    return null;
  },
});
