import type { Where } from '../runtime/Execution.js';

/** The pages a page-granular syscall (munmap, mprotect, madvise) acts on; null if misaligned. */
export function pageSpan(pageSize: number, w: Where): { start: number; end: number } | null {
  if (w.addr % pageSize !== 0) return null;
  return { start: w.addr / pageSize, end: Math.ceil((w.addr + w.len) / pageSize) };
}
