import { z } from 'zod';
import { mmPageAt } from '../../core/trace.js';
import { mcontinue_atomic_pte, mcopy_atomic, mwriteprotect_range } from '../../core/uffd/mcopy.js';
import { userfaultfd_read, wake_userfault } from '../../core/uffd/userfaultfd.js';
import { defineOp } from './OpDef.js';
import { byte, name } from './common.js';
import { oracleFill, procOfCtx, NOT_OPEN, uffdHandle } from './uffdCommon.js';

/**
 * A monitor thread: read(2) messages from the userfaultfd (and from the children's contexts that
 * UFFD_EVENT_FORK hands it) and resolve each page fault as told: UFFDIO_COPY of `fill`, UFFDIO_ZEROPAGE,
 * UFFDIO_CONTINUE, or UFFDIO_WRITEPROTECT(wp=0). When a resolve finds the page already there
 * (-EEXIST), it wakes the range with UFFDIO_WAKE, as real monitors do. Stops after `count` faults
 * (default 1), or with `until`, once that event is posted and no message is pending. `think` is how
 * long (ticks) the monitor takes over each message before resolving it: userspace's own time, the
 * stall seed 002 worries about ("userland ... take the mmap_sem for an unlimited amount of time").
 */
export const uffd_handle = defineOp({
  name: 'uffd_handle',
  summary: 'monitor thread: read uffd messages and resolve each (copy, zeropage, continue, unprotect); `count` of them or `until` an event',
  args: z.strictObject({
    uffd: name,
    resolve: z.enum(['copy', 'zeropage', 'continue', 'unprotect']).default('copy'),
    fill: byte.default(0),
    count: z.number().int().min(1).max(64).optional(),
    until: name.optional(),
    think: z.number().int().min(0).max(1_000_000).default(0).describe('ticks the monitor spends on each message before resolving it'),
  }),
  refs: (a) => ({ uses: [{ handle: a.uffd, kind: 'uffd' }], ...(a.until !== undefined ? { awaits: a.until } : {}) }),
  needs: (a) =>
    a.resolve === 'continue' ? [{ feature: 'uffd-minor-shmem', why: 'UFFDIO_CONTINUE' }] : a.resolve === 'unprotect' ? [{ feature: 'uffd-wp', why: 'UFFDIO_WRITEPROTECT' }] : [],
  *run({ k, t, proc, ex }, a) {
    const h = uffdHandle(proc, a.uffd);
    if (h === null) return NOT_OPEN;
    const ev = a.until !== undefined ? ex.event(a.until) : null;
    let left = a.count ?? (a.until !== undefined ? Infinity : 1);
    while (left > 0) {
      const msg = yield* userfaultfd_read(k, t, [h.ctx, ...h.children], () => ev !== null && ev.posted, ev?.wq ?? null);
      if (msg === null) break;
      if (msg.event === 'fork') {
        h.children.push(msg.child);
        k.tracing && k.log(t, 'uffd_handle', `UFFD_EVENT_FORK: now also serving ${msg.child.name}`);
        continue;
      }
      left--;
      k.sched.spend(t, a.think + 1);
      const ctx = msg.ctx;
      const v = msg.vpn;
      k.tracing && k.log(t, 'uffd_handle', `message: ${mmPageAt(k, ctx.mm, v)} ${msg.flags & 2 ? 'wp' : 'missing'}${msg.flags & 1 ? ' write' : ''}`);
      const owner = procOfCtx(ex, ctx);
      let err: string | null = null;
      if (a.resolve === 'copy' || a.resolve === 'zeropage') {
        const t0 = ex.oracle.now();
        const value = a.resolve === 'copy' ? a.fill : 0;
        const r = yield* mcopy_atomic(k, t, ctx, v, v + 1, a.resolve === 'copy' ? a.fill : null, {
          filled: (p) => owner !== null && oracleFill(k, ex, owner, p, p + 1, value, t0),
        });
        if (r.err === 'EEXIST') yield* wake_userfault(k, t, ctx, v, v + 1);
        else err = r.err;
      } else if (a.resolve === 'unprotect') {
        if (owner !== null) ex.uffd.unprotect(owner.mm, v, v + 1);
        err = yield* mwriteprotect_range(k, t, ctx, v, v + 1, false);
      } else {
        err = yield* mcontinue_atomic_pte(k, t, ctx, v, v + 1);
        if (err === 'EEXIST') {
          yield* wake_userfault(k, t, ctx, v, v + 1);
          err = null;
        }
        if (err === null && owner !== null) ex.uffd.populate(owner.mm, v, v + 1);
      }
      if (err !== null && err !== 'ENOENT') return err;
    }
    return null;
  },
});
