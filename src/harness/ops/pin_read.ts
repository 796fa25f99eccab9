import { pin_device_read } from '../../core/io/pin.js';
import { defineOp } from './OpDef.js';
import { name } from './common.js';

/**
 * The device reads the pinned range; it must see what the process's memory holds (pin-incoherent if
 * not, judged from the data alone), except where the process threw that memory away after pinning:
 * there the device reads the page it pinned.
 */
export const pin_read = defineOp({
  name: 'pin_read',
  summary: 'the device reads memory through the pin',
  args: name,
  refs: (id) => ({ uses: [{ handle: id, kind: 'pin' }] }),
  *run(c, id) {
    const { k, t, proc, ex } = c;
    const h = proc.handles.get(id);
    if (h?.kind !== 'pin' || h.pin.released) return 'EINVAL';
    const t0 = ex.oracle.start(proc.name, h.vma, false, h.off, h.len);
    const off = (h.off % k.pageSize);
    const data = yield* pin_device_read(k, t, h.pin, off, h.len);
    ex.observe(proc, { vma: h.vma, off: h.off, len: h.len, addr: 0 }, data, t0, ex.oracle.end(proc.name, h.vma, false, h.off, h.len), 'device', `the device reading pin ${id}`, h.t0);
    return null;
  },
});
