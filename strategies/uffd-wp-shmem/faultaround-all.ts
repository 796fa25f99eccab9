import type { Strategy } from '../../src/core/Strategy.js';

/**
 * Read fault-around for every VMA: do_read_fault() maps the cached neighbours (and the faulting
 * page, if cached) through ->map_pages, which never raises a userfault.
 */
export const faultaroundAll: Strategy = {
  name: 'faultaround-all',
  family: 'uffd-wp-shmem',
  summary: 'read fault-around maps cached neighbours in every VMA, uffd-registered or not',
  refs: ['commit 8c6e50b0290c (mm: introduce vm_ops->map_pages(), 3.15)'],
  baseline: true,
  hooks: {},
};
