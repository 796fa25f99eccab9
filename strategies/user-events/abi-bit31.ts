import type { Strategy } from '../../src/core/Strategy.js';
import type { Errno } from '../../src/core/mm/gup.js';
import { access_ok, type EnablerSpec, type UserReg } from '../../src/core/trace/user_events.js';
import type { Kernel } from '../../src/core/Kernel.js';

/**
 * The RFC's ABI (Oct 2022): an enable address and a bit 0..31 of a 32-bit word; no size. A user
 * with a 64-bit word follows Beau's advice in the seed thread: "give the upper half to user_events
 * ABI ... You'd tell the ABI bit 31, but in user space it would be bit 63", i.e. it registers the
 * 32-bit half of its integer that holds the bit. The kernel then does set_bit() on the unsigned
 * long at that address as given. Mathieu's objection: "Linux supports both big and little endian,
 * which will make the ABI tricky to use ... the bit offset does not consider endianness": on a
 * 64-bit big-endian kernel set_bit(n) on a long reaches byte 7 - n/8, outside a 32-bit word.
 */
function rfcRegGet(k: Kernel, reg: UserReg): EnablerSpec | Errno {
  let addr = reg.addr;
  let bit = reg.bit;
  if (reg.size === 8) {
    if (bit > 63) return 'EINVAL';
    // The user library names the half of its u64 that holds the bit, and the bit within it.
    const le = k.arch.endian === 'little';
    const high = bit >= 32;
    addr = high === le ? addr + 4 : addr;
    bit &= 31;
  } else if (reg.size !== 4) return 'EINVAL';
  if (reg.flags !== 0) return 'EINVAL';
  if (bit > 31) return 'EINVAL';
  if (addr % 4 !== 0) return 'EINVAL';
  if (!access_ok(k, addr, 4)) return 'EFAULT';
  return { addr, bit, compat32: false };
}

export const abiBit31: Strategy = {
  name: 'abi-bit31',
  family: 'user-events',
  summary: "the RFC's ABI: a 32-bit-aligned address and bit 0..31, set_bit() on the long there (wrong byte on 64-bit big-endian)",
  refs: ['lkml Beau Belgrave 2022-10-31 "Re: [RFC PATCH 2/2] tracing/user_events: Fixup enable faults asyncly"', 'lkml Mathieu Desnoyers 2022-10-29 (same thread)'],
  hooks: {
    userEventsRegGet: rfcRegGet,
    userEventsAlignAddrBit: (_k, e) => ({ uaddr: e.addr, bit: e.bit }),
  },
};
