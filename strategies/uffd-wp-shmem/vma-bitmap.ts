import type { Strategy } from '../../src/core/Strategy.js';
import { set_vma_wp_bit, vma_wp_bit } from '../../src/core/mm/Vma.js';

/**
 * Andrea's alternative (seed 001): "store the bit set by UFFDIO_WRITEPROTECT in a vmalloc bitmap
 * associated with the shmem vma ... checked during the shmem_fault() if VM_UFFD_WP is set". The
 * bitmap is per VMA, so per mm; the ptes may be zapped at will. Cost: the bitmap, and its
 * bookkeeping at every split (copied slice) and fork ("vma_splits and vma_merge would be the hard part").
 */
export const vmaBitmap: Strategy = {
  name: 'vma-bitmap',
  family: 'uffd-wp-shmem',
  summary: 'a per-VMA bitmap set by UFFDIO_WRITEPROTECT and consulted when a shmem page is mapped',
  refs: ['lkml 2020-12-01 Andrea Arcangeli, Re: [PATCH] mm: Don\'t fault around userfaultfd-registered regions on reads ("store the bit ... in a vmalloc bitmap associated with the shmem vma")'],
  hooks: {
    uffdWpRecord: (k, vma, vpn, wp) => {
      if (vma.uffdWpBitmap === null) {
        if (!wp) return;
        vma.uffdWpBitmap = new Uint8Array(Math.ceil(vma.pages / 8));
        k.stats.uffdWpBitmapBytes += vma.uffdWpBitmap.length;
      }
      set_vma_wp_bit(vma, vpn, wp);
    },
    uffdWpFileFault: (_k, vma, vpn) => vma_wp_bit(vma, vpn),
  },
};
