import { z } from 'zod';
import { pin_device_write } from '../../core/io/pin.js';
import { defineOp } from './OpDef.js';
import { byte, name } from './common.js';

/** The device writes `fill` through the pin: the process must see it afterwards. */
export const pin_write = defineOp({
  name: 'pin_write',
  summary: 'the device writes `fill` into memory through the pin',
  args: z.strictObject({ pin: name, fill: byte }),
  refs: (a) => ({ uses: [{ handle: a.pin, kind: 'pin' }] }),
  *run(c, a) {
    const { k, t, proc, ex } = c;
    const h = proc.handles.get(a.pin);
    if (h?.kind !== 'pin' || h.pin.released) return 'EINVAL';
    if (!h.write) return 'EFAULT';
    yield* pin_device_write(k, t, h.pin, h.off % k.pageSize, h.len, a.fill);
    ex.oracle.dma(proc.name, h.vma, h.off, h.len, a.fill, h.t0);
    return null;
  },
});
