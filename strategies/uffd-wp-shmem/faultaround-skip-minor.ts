import type { Strategy } from '../../src/core/Strategy.js';
import { userfaultfd_minor } from '../../src/core/shmem/shmem.js';

/**
 * do_read_fault() from 5.14 to 5.18: "if (likely(!userfaultfd_minor(vmf->vma))) do_fault_around()",
 * added with minor faults on shmem (c949b097ef2e, Axel Rasmussen) so that ->map_pages cannot map a
 * cached page behind the monitor's back. VM_UFFD_WP VMAs still fault around: 5.19 widened the test to
 * uffd_disable_fault_around() (9c28a205c061) when shmem got uffd-wp.
 */
export const faultaroundSkipMinor: Strategy = {
  name: 'faultaround-skip-minor',
  family: 'uffd-wp-shmem',
  summary: 'no read fault-around in VM_UFFD_MINOR VMAs only (c949b097ef2e, 5.14-5.18)',
  refs: ['commit c949b097ef2e (userfaultfd/shmem: support minor fault registration for shmem, 5.14)'],
  hooks: {
    shouldFaultAround: (_k, vma) => !userfaultfd_minor(vma),
  },
};
