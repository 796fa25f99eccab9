import { z } from 'zod';
import { blockdev_direct_IO } from '../../core/io/blockdev.js';
import { defineOp } from './OpDef.js';
import { at, byte, gup, len, name, off } from './common.js';

/** O_DIRECT read (AIO-style): GUP for write, then the device DMAs `fill` into the buffer in chunks. */
export const dio_read = defineOp({
  name: 'dio_read',
  summary: 'O_DIRECT read (io_submit): GUP the buffer for write; the device DMAs `fill` into it asynchronously. `off` and `len` must be multiples of 512 (the logical block size), else dio_wait gets EINVAL',
  args: z.strictObject({ as: name, at, off, len, fill: byte, gup, chunks: z.number().int().min(1).max(8).default(2) }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len }, defines: { handle: a.as, kind: 'dio' } }),
  needs: (a) => (a.gup === 'pin' ? [{ feature: 'pin-user-pages', why: 'gup: pin (FOLL_PIN)' }] : []),
  *run({ k, t, proc, ex }, a) {
    const w = ex.where(proc, a.at, a.off, a.len);
    // Submission: the DMA goes to the pages GUP takes now (a discard after this start may have missed them).
    const t0 = ex.oracle.start(proc.name, w.vma, true, w.off, w.len);
    const r = yield* blockdev_direct_IO(k, t, proc.mm, { id: a.as, read: true, addr: w.addr, len: w.len, pin: a.gup === undefined ? null : a.gup === 'pin', fill: a.fill, chunks: a.chunks }, {
      // The device writes the pages GUP took at submission, whatever became of the mapping since.
      dmaToMemory: (c) => ex.oracle.dma(proc.name, w.vma, w.off + c.off, c.len, a.fill, t0),
    });
    // The request is submitted with io_submit(), which succeeds: a failure before any I/O
    // (alignment, GUP) completes the iocb with the error (aio_rw_done()), seen by dio_wait.
    if (typeof r === 'string') proc.handles.set(a.as, { kind: 'dio', req: null, err: r, vma: w.vma, off: w.off, len: w.len });
    else proc.handles.set(a.as, { kind: 'dio', req: r, err: null, vma: w.vma, off: w.off, len: w.len });
    return null;
  },
});
