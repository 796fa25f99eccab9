import { z } from 'zod';
import { UFFD_FEATURE_EVENT_FORK, VM_UFFD_MINOR, VM_UFFD_MISSING, VM_UFFD_WP, userfaultfd_new, userfaultfd_register } from '../../core/uffd/userfaultfd.js';
import { defineOp } from './OpDef.js';
import type { FeatureNeedSpec } from '../features.js';
import { at, len, name, off } from './common.js';
import { pageSpan } from './span.js';

const MODES = { missing: VM_UFFD_MISSING, wp: VM_UFFD_WP, minor: VM_UFFD_MINOR } as const;

/** userfaultfd(2), UFFDIO_API (features) and UFFDIO_REGISTER of a range of this process's memory. */
export const uffd_register = defineOp({
  name: 'uffd_register',
  summary: 'open a userfaultfd in this mm (events: [fork] = UFFD_FEATURE_EVENT_FORK) and UFFDIO_REGISTER a range (mode: missing, wp, minor)',
  args: z.strictObject({
    as: name,
    at,
    off,
    len,
    mode: z.array(z.enum(['missing', 'wp', 'minor'])).min(1).default(['missing']),
    events: z.array(z.enum(['fork'])).default([]),
  }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len }, defines: { handle: a.as, kind: 'uffd' } }),
  // vma_can_userfault() of each release: what it accepts decides which kernels can run this at all.
  needs: (a, env) => {
    const shmem = env.vmaType(a.at) === 'shmem';
    const out: FeatureNeedSpec[] = [{ feature: 'userfaultfd', why: 'userfaultfd(2)' }];
    if (a.mode.includes('missing') && shmem) out.push({ feature: 'uffd-shmem', why: 'UFFDIO_REGISTER_MODE_MISSING on shmem' });
    if (a.mode.includes('wp')) out.push(shmem ? { feature: 'uffd-wp-shmem', why: 'UFFDIO_REGISTER_MODE_WP on shmem' } : { feature: 'uffd-wp', why: 'UFFDIO_REGISTER_MODE_WP' });
    if (a.mode.includes('minor')) out.push({ feature: 'uffd-minor-shmem', why: `UFFDIO_REGISTER_MODE_MINOR${shmem ? ' on shmem' : ''}` });
    if (a.events.includes('fork')) out.push({ feature: 'uffd-event-fork', why: 'UFFD_FEATURE_EVENT_FORK' });
    return out;
  },
  *run({ k, t, proc, ex }, a) {
    const s = pageSpan(k.pageSize, ex.where(proc, a.at, a.off, a.len));
    if (s === null) return 'EINVAL';
    const features = a.events.includes('fork') ? UFFD_FEATURE_EVENT_FORK : 0;
    const ctx = userfaultfd_new(k, proc.mm, features, `${proc.name}.${a.as}`);
    ctx.observer = ex.uffd.observer;
    proc.handles.set(a.as, { kind: 'uffd', ctx, children: [] });
    let mode = 0;
    for (const m of a.mode) mode |= MODES[m];
    const err = yield* userfaultfd_register(k, t, ctx, s.start, s.end, mode);
    if (err !== null) return err;
    ex.uffd.register(proc.mm, s.start, s.end, (mode & VM_UFFD_MISSING) !== 0, (mode & VM_UFFD_MINOR) !== 0);
    return null;
  },
});
