import type { Strategy } from '../../src/core/Strategy.js';
import { align_addr_bit, user_reg_get } from '../../src/core/trace/user_events.js';

/**
 * The merged ABI (v6.4, struct user_reg's enable_size next to enable_bit; align_addr_bit() in
 * 7235759084a4), Mathieu's proposal in the seed thread: "pointer address, size of integer type (4
 * or 8 bytes), bit offset ... This way we have all the information we need to set the right bit in
 * both little and big endian", with natural alignment and bit range checked against the size.
 */
export const abiSizeBit: Strategy = {
  name: 'abi-size-bit',
  family: 'user-events',
  summary: 'user_reg carries enable_size (4 or 8): alignment and bit range checked per size; the kernel finds the bit on either endianness',
  refs: ['lkml Mathieu Desnoyers 2022-10-29 "Re: [RFC PATCH 2/2] tracing/user_events: Fixup enable faults asyncly"', 'commit 7235759084a4 (v6.4)'],
  hooks: {
    userEventsRegGet: user_reg_get,
    userEventsAlignAddrBit: align_addr_bit,
  },
};
