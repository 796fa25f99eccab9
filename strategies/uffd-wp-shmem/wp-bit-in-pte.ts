import type { Strategy } from '../../src/core/Strategy.js';

/**
 * uffd-wp as anonymous memory has it (5.7): the bit lives in the pte (and the swap pte) of the
 * registering mm only. A shmem pte is zapped by reclaim, MADV_DONTNEED or a hole punch while the
 * page stays in the file; the refault maps it from the page cache without the bit, writable.
 */
export const wpBitInPte: Strategy = {
  name: 'wp-bit-in-pte',
  family: 'uffd-wp-shmem',
  summary: 'the uffd-wp bit only in the pte: lost when a shmem pte is zapped (reclaim, DONTNEED, punch hole)',
  refs: ['lkml 2020-12-01 Andrea Arcangeli, Re: [PATCH] mm: Don\'t fault around userfaultfd-registered regions on reads ("The problem is that the bit represents an information that is specific to an mm")'],
  baseline: true,
  hooks: {},
};
