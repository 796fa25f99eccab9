/**
 * What remembering uffd-wp outside the present ptes costs in memory, the comparison seed 001 asks
 * for: Andrea's per-VMA bitmap ("a vmalloc bitmap associated with the shmem vma at uffd
 * registration time") against ptes that "survive all invalidates" (the 5.19 pte markers), which
 * keep their page table allocated where nothing else would.
 */
import type { Kernel } from '../Kernel.js';
import type { MmStruct } from './MmStruct.js';
import { PTE_MARKER, PTE_NONE } from './Pte.js';

/** Bytes of uffd-wp metadata `mm` holds now: live bitmaps, and page tables holding only markers. */
export function uffd_wp_metadata_bytes(k: Kernel, mm: MmStruct): number {
  let bytes = 0;
  for (const v of mm.vmas) if (v.uffdWpBitmap !== null) bytes += v.uffdWpBitmap.length;
  // PTRS_PER_PTE: a page table is one page of 8-byte entries.
  const ptrs = k.pageSize / 8;
  const tables = new Map<number, boolean>();
  for (const [vpn, pte] of mm.pt) {
    const table = Math.floor(vpn / ptrs);
    if (pte.kind === PTE_NONE) continue;
    const onlyMarkers = tables.get(table) ?? true;
    tables.set(table, onlyMarkers && pte.kind === PTE_MARKER);
  }
  for (const only of tables.values()) if (only) bytes += k.pageSize;
  return bytes;
}

/** Record the figure if it is the largest seen in this execution. */
export function note_uffd_wp_metadata(k: Kernel, mm: MmStruct): void {
  const b = uffd_wp_metadata_bytes(k, mm);
  if (b > k.stats.uffdWpMetadataBytes) k.stats.uffdWpMetadataBytes = b;
}
