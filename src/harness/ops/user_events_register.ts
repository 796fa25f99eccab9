import { z } from 'zod';
import { user_events_ioctl_reg } from '../../core/trace/user_events.js';
import { defineOp } from './OpDef.js';
import { at, name, off } from './common.js';

/**
 * ioctl(DIAG_IOCSREG): register the event `as` with the enable bit `bit` of the user's `size`-byte
 * integer at `at`+`off`. `size` and `bit` describe the user's integer (`value & (1 << bit)`); how
 * they reach the kernel is the ABI strategy's business. Sizes other than 4 and 8, misaligned
 * addresses and bits out of range are the kernel's to refuse (EINVAL), not the loader's.
 */
export const user_events_register = defineOp({
  name: 'user_events_register',
  summary: 'register a user_events enable bit (ioctl DIAG_IOCSREG); the event is named by `as`',
  args: z.strictObject({
    as: name,
    at,
    off,
    size: z.number().int().min(0).max(255).default(4).describe('enable_size: bytes of the user\'s integer (4 or 8; others are refused with EINVAL)'),
    bit: z.number().int().min(0).max(255).describe('enable_bit: value & (1 << bit) of the user\'s integer'),
    flags: z.number().int().min(0).max(0xffff).default(0).describe('user_reg.flags (none are defined: nonzero is EINVAL)'),
  }),
  refs: (a) => ({ vma: { name: a.at, off: a.off }, defines: { handle: a.as, kind: 'user_event' } }),
  needs: () => [{ feature: 'user-events', why: 'user_events (DIAG_IOCSREG enablers)' }],
  *run({ k, t, proc, ex }, a) {
    const w = ex.where(proc, a.at, a.off, undefined);
    // The byte of the user's integer that holds the bit, by the machine's byte order.
    const inRange = (a.size === 4 || a.size === 8) && a.bit < a.size * 8;
    const byte = a.off + (k.arch.endian === 'little' ? a.bit >> 3 : a.size - 1 - (a.bit >> 3));
    const rec = inRange ? ex.oracle.enableBit(proc.name, { vma: a.at, byte, mask: 1 << (a.bit & 7), event: a.as }) : null;
    const r = yield* user_events_ioctl_reg(k, t, proc.mm, a.as, { addr: w.addr, size: a.size, bit: a.bit, flags: a.flags });
    if ('err' in r) {
      if (rec) ex.oracle.dropEnableBit(proc.name, rec);
      return r.err;
    }
    if (rec === null) throw new Error(`user_events_register: the kernel accepted size ${a.size} bit ${a.bit}`);
    proc.handles.set(a.as, { kind: 'user_event', event: a.as, addr: r.enabler.addr, bit: r.enabler.bit, bitRec: rec });
    return null;
  },
});
