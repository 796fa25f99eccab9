import { z } from 'zod';
import { pin_user_pages } from '../../core/io/pin.js';
import { defineOp } from './OpDef.js';
import { at, len, name, off } from './common.js';

export const pin = defineOp({
  name: 'pin',
  summary: 'FOLL_PIN the range (pin_user_pages; defaults: R/O, slow path, longterm)',
  args: z.strictObject({ as: name, at, off, len, write: z.boolean().default(false), fast: z.boolean().default(false), longterm: z.boolean().default(true) }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: a.len }, defines: { handle: a.as, kind: 'pin' } }),
  needs: () => [{ feature: 'pin-user-pages', why: 'pin_user_pages (FOLL_PIN)' }],
  *run({ k, t, proc, ex }, a) {
    const w = ex.where(proc, a.at, a.off, a.len);
    // The pages the device will read and write through are taken from here on.
    const t0 = ex.oracle.start(proc.name, w.vma, false, w.off, w.len);
    const r = yield* pin_user_pages(k, t, proc.mm, { addr: w.addr, len: w.len, write: a.write, fast: a.fast, longterm: a.longterm });
    if (typeof r === 'string') return r;
    proc.handles.set(a.as, { kind: 'pin', pin: r, vma: w.vma, off: w.off, len: w.len, write: a.write, t0 });
    return null;
  },
});
