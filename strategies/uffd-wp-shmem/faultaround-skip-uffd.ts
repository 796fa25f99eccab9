import type { Strategy } from '../../src/core/Strategy.js';
import { VM_UFFD_MINOR, VM_UFFD_WP } from '../../src/core/uffd/userfaultfd.js';

/**
 * uffd_disable_fault_around() (9c28a205c061, 5.19; Peter Xu's 2020 patch of seed 001): no read
 * fault-around in VM_UFFD_WP or VM_UFFD_MINOR VMAs, so every page is mapped through ->fault, where
 * the minor fault and the wp bit are honoured. Cost: one read fault per page.
 */
export const faultaroundSkipUffd: Strategy = {
  name: 'faultaround-skip-uffd',
  family: 'uffd-wp-shmem',
  summary: 'no read fault-around in uffd wp/minor-registered VMAs (9c28a205c061, 5.19)',
  refs: ['commit 9c28a205c061 (mm/shmem: handle uffd-wp special pte in page fault handler)', 'lkml 2020-12-01 [PATCH] mm: Don\'t fault around userfaultfd-registered regions on reads'],
  hooks: {
    shouldFaultAround: (_k, vma) => !(vma.uffdCtx !== null && (vma.uffdFlags & (VM_UFFD_WP | VM_UFFD_MINOR)) !== 0),
  },
};
