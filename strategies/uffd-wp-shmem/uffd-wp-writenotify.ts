import type { Strategy } from '../../src/core/Strategy.js';

/**
 * David Hildenbrand's 51d3d5eb74ff (6.2, Cc stable; Fixes: b1f9e876862d, 5.19's uffd-wp for shmem):
 * vma_wants_writenotify() is true for a VM_UFFD_WP VMA, so a shared mapping's vm_page_prot no
 * longer grants write. Before it, anything that rebuilt a pte from vm_page_prot made a uffd-wp'd
 * shmem pte writable: mprotect()'s pte_modify() (PROT_READ then PROT_READ|PROT_WRITE), NUMA
 * hinting, migration. Cost: read faults map shmem pages read-only, so a first write takes a fault.
 */
export const uffdWpWritenotify: Strategy = {
  name: 'uffd-wp-writenotify',
  family: 'uffd-wp-shmem',
  summary: 'write-notify for uffd-wp shared VMAs: vm_page_prot read-only, mprotect never makes a uffd-wp pte writable (51d3d5eb74ff, 6.2)',
  refs: [
    'commit 51d3d5eb74ff (mm/userfaultfd: enable writenotify while userfaultfd-wp is enabled for a VMA)',
    'lkml 2022-12-08 David Hildenbrand, [PATCH v1] mm/userfaultfd: enable writenotify while userfaultfd-wp is enabled for a VMA ("this makes mprotect() on ranges with uffd-wp\'ed PTEs not accidentally set the write bit")',
  ],
  hooks: {
    uffdWpWritenotify: () => true,
  },
};
