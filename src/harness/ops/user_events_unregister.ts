import { user_events_ioctl_unreg } from '../../core/trace/user_events.js';
import { defineOp } from './OpDef.js';
import { name } from './common.js';

/** ioctl(DIAG_IOCSUNREG) for the address and bit that `user_events_register as: EVENT` registered. */
export const user_events_unregister = defineOp({
  name: 'user_events_unregister',
  summary: 'unregister an enable bit (ioctl DIAG_IOCSUNREG); the kernel clears the bit',
  args: name,
  refs: (h) => ({ uses: [{ handle: h, kind: 'user_event' }] }),
  needs: () => [{ feature: 'user-events', why: 'user_events (DIAG_IOCSREG enablers)' }],
  *run({ k, t, proc, ex }, h) {
    const handle = proc.handles.get(h);
    if (handle?.kind !== 'user_event') throw new Error(`${proc.name} has no user_event handle ${h}`);
    const r = yield* user_events_ioctl_unreg(k, t, proc.mm, handle.addr, handle.bit);
    if (r !== 0) return r;
    handle.bitRec.live = false;
    // "Ensure bit is now cleared for user, regardless of event status": no enabler is left to set it.
    if (ex.enableBitValue(proc, handle.bitRec) === true) {
      ex.violate('stale-enable-bit', `${t.name}: user_events_unregister ${h} returned with the bit still set`);
    }
    return null;
  },
});
