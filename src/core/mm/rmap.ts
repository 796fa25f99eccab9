import { KernelBug } from '../bug.js';
import type { Kernel } from '../Kernel.js';
import type { MmStruct } from './MmStruct.js';
import type { Page } from './Page.js';

/** page_add_new_anon_rmap(): a freshly allocated anon page gets its first mapping; it is exclusive. */
export function page_add_new_anon_rmap(page: Page, mm: MmStruct, vpn: number): void {
  page.anon = true;
  page.anonExclusive = true;
  page.mapcount = 1;
  page.rmap.push({ mm, vpn });
}

/** page_add_anon_rmap(): map an existing anon page (swap-in); `exclusive` is RMAP_EXCLUSIVE. */
export function page_add_anon_rmap(page: Page, mm: MmStruct, vpn: number, exclusive: boolean): void {
  page.anon = true;
  if (page.mapcount === 0) page.anonExclusive = exclusive;
  else if (exclusive) throw new KernelBug(`${page}: RMAP_EXCLUSIVE while mapped ${page.mapcount} times`);
  page.mapcount++;
  page.rmap.push({ mm, vpn });
}

/** page_dup_rmap(): fork shares the page with the child. */
export function page_dup_rmap(page: Page, mm: MmStruct, vpn: number): void {
  page.mapcount++;
  page.rmap.push({ mm, vpn });
}

/** page_add_file_rmap(): a page-cache page gets one more pte. */
export function page_add_file_rmap(page: Page, mm: MmStruct, vpn: number): void {
  page.mapcount++;
  page.rmap.push({ mm, vpn });
}

/** page_remove_rmap(): one pte no longer maps the page. The pte's reference is put by the caller. */
export function page_remove_rmap(k: Kernel, page: Page, mm: MmStruct, vpn: number): void {
  if (page.zero) return;
  const i = page.rmap.findIndex((r) => r.mm === mm && r.vpn === vpn);
  if (i < 0 || page.mapcount <= 0) throw new KernelBug(`page_remove_rmap: ${page} not mapped by ${mm.name} at ${vpn}`);
  page.rmap.splice(i, 1);
  page.mapcount--;
  if (page.mapcount === 0) page.anonExclusive = false;
  void k;
}
