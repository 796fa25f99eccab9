import type { Strategy } from '../../src/core/Strategy.js';

/**
 * a7e689dd1c06 "block: Convert bio_iov_iter_get_pages to use iov_iter_extract_pages" (6.5, with
 * fd363244e883 "block: Add BIO_PAGE_PINNED and associated infrastructure"): block-device and iomap
 * O_DIRECT pin user buffers with FOLL_PIN instead of taking FOLL_GET references, so that
 * page_maybe_dma_pinned() sees them (fork copies them, reclaim skips them, GUP unshares them).
 * Only for dio ops that leave `gup:` to the kernel; candidates keep the baseline's FOLL_GET, the
 * O_DIRECT every kernel before 6.5 did. A building block of the 6.5+ timelines; not run on its own.
 */
export const dioFollPin: Strategy = {
  name: 'dio-foll-pin',
  family: 'gup-cow',
  summary: "O_DIRECT pins its buffer with FOLL_PIN (iov_iter_extract_pages) where the workload leaves gup: to the kernel",
  refs: ['commit a7e689dd1c06', 'commit fd363244e883'],
  standalone: false,
  hooks: {
    dioPinsPages: () => true,
  },
};
