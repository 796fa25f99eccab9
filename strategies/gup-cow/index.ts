import type { Strategy } from '../../src/core/Strategy.js';
import { anonExclusive } from './anon-exclusive.js';
import { dioFollPin } from './dio-foll-pin.js';
import { forkCopy } from './fork-copy.js';
import { forkCopyPinned } from './fork-copy-pinned.js';
import { forkWriteProtectSeq } from './fork-write-protect-seq.js';
import { gupDecow } from './gup-decow.js';
import { mapcountReuse } from './mapcount-reuse.js';
import { mmGupRwsem } from './mm-gup-rwsem.js';
import { reclaimSkipPinned } from './reclaim-skip-pinned.js';
import { skipSwapcache } from './skip-swapcache.js';
import { refcountReuse } from './refcount-reuse.js';
import { refcountReuseSwapcache } from './refcount-reuse-swapcache.js';
import { swapinRefcount } from './swapin-refcount.js';

/** gup-cow (seed 003): GUP vs fork and COW. */
export const gupCow: Strategy[] = [
  mapcountReuse,
  forkCopy,
  forkCopyPinned,
  gupDecow,
  refcountReuse,
  mmGupRwsem,
  anonExclusive,
  swapinRefcount,
  refcountReuseSwapcache,
  reclaimSkipPinned,
  dioFollPin,
  forkWriteProtectSeq,
  skipSwapcache,
];
