// The worked example of docs/strategies.md: a candidate fix written from scratch.
import { defineStrategy, reuse_swap_page } from 'faultline';

/**
 * Keep 2.6.32's mapcount-based reuse in do_wp_page(), but never reuse a page that may be
 * DMA-pinned (page_maybe_dma_pinned(), which FOLL_PIN's GUP_PIN_COUNTING_BIAS makes cheap): a
 * pinned page is copied, so the pin keeps pointing at the page the device writes.
 */
export default defineStrategy({
  name: 'copy-if-pinned',
  family: 'gup-cow',
  summary: 'do_wp_page keeps the mapcount test but copies a page that may be DMA-pinned',
  refs: ['docs/strategies.md (worked example)'],
  hooks: {
    wpReuse: (k, page) => !page.maybeDmaPinned && reuse_swap_page(k, page),
  },
});
