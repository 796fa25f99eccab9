import type { Strategy } from '../../src/core/Strategy.js';

/**
 * 5.19's pte markers: zapping a wp'd file pte (anything but munmap/exit: ZAP_FLAG_DROP_MARKER)
 * leaves a swap-type entry with no pfn that keeps the bit; UFFDIO_WRITEPROTECT on a none pte installs
 * one; fork copies a wp-registered file VMA's ptes, markers included. The fault path treats a marker
 * as none and do_set_pte() maps the page write-protected. Cost: markers keep page tables alive.
 */
export const pteMarker: Strategy = {
  name: 'pte-marker',
  family: 'uffd-wp-shmem',
  summary: 'zapped wp\'d file ptes become uffd-wp pte markers (5.19); wrprotect installs markers on none ptes',
  refs: [
    'commit 679d10331910 (mm: introduce PTE_MARKER swap entry)',
    'commit 1db9dbc2ef05 (mm: teach core mm about pte markers)',
    'commit 999dad824c39 (mm/shmem: persist uffd-wp bit across zapping for file-backed)',
    'commit c56d1b62cce8 (mm/shmem: handle uffd-wp during fork())',
  ],
  hooks: {
    uffdWpZapMarker: () => true,
    uffdWpFileNone: () => true,
    uffdWpForkCopy: () => true,
  },
};
