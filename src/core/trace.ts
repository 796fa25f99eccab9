import type { Kernel } from './Kernel.js';
import type { MmStruct } from './mm/MmStruct.js';
import type { Vma } from './mm/Vma.js';

/** One line of a counterexample: which thread ran which kernel function and what it did. */
export interface TraceEvent {
  step: number;
  cpu: string;
  fn: string;
  event: string;
}

/*
 * Every place in a trace is written in one unit: bytes from the start of the workload's mapping,
 * in hex, the offsets the workload itself writes (`off:`) and what a kernel developer reads in an
 * oops (`buf+0x1000`, not "page 1 of buf"). A range is half-open, `buf[0x800..0x1000)`, the same
 * for a user op and for the kernel path it runs. `page N` is only ever a struct page (a frame).
 */

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** One byte of a mapping: `buf+0x800`. */
export function byteAt(name: string, off: number): string {
  return `${name}+${hex(off)}`;
}

/** Bytes [from, to) of a mapping: `buf[0x0..0x2000)`. */
export function byteRange(name: string, from: number, to: number): string {
  return `${name}[${hex(from)}..${hex(to)})`;
}

/** The page at `vpn` of `vma`, as the offset of its first byte in the mapping. */
export function pageAt(k: Kernel, vma: Vma, vpn: number): string {
  return byteAt(vma.name, (vpn - vma.base) * k.pageSize);
}

/** Pages [start, end) of `vma`, as the bytes they hold. */
export function pageRange(k: Kernel, vma: Vma, start: number, end: number): string {
  return byteRange(vma.name, (start - vma.base) * k.pageSize, (end - vma.base) * k.pageSize);
}

/**
 * Pages [start, end) of `mm`, named by the mapping that holds `start` (a range a syscall acts on
 * lies in one mapping of the workload, however many VMAs it has been split into); an address no
 * mapping holds is printed as the bare user address.
 */
export function mmPageRange(k: Kernel, mm: MmStruct, start: number, end: number): string {
  const vma = mm.find_vma(start);
  return vma === null ? `[${hex(start * k.pageSize)}..${hex(end * k.pageSize)})` : pageRange(k, vma, start, end);
}

/** The page at `vpn` of `mm`. */
export function mmPageAt(k: Kernel, mm: MmStruct, vpn: number): string {
  const vma = mm.find_vma(vpn);
  return vma === null ? hex(vpn * k.pageSize) : pageAt(k, vma, vpn);
}

/** A user address of `mm` (a byte, not a page): `buf+0x10`, or the bare address if unmapped. */
export function userAddr(k: Kernel, mm: MmStruct, addr: number): string {
  const vma = mm.find_vma(Math.floor(addr / k.pageSize));
  return vma === null ? hex(addr) : byteAt(vma.name, addr - vma.base * k.pageSize);
}

/** User bytes [addr, addr + len) of `mm`: `buf[0x800..0xc00)`. */
export function userRange(k: Kernel, mm: MmStruct, addr: number, len: number): string {
  const vma = mm.find_vma(Math.floor(addr / k.pageSize));
  if (vma === null) return `[${hex(addr)}..${hex(addr + len)})`;
  const off = addr - vma.base * k.pageSize;
  return byteRange(vma.name, off, off + len);
}

/** A shmem file's page at `index`, as the byte offset in the file: `file shm+0x1000`. */
export function fileAt(k: Kernel, file: string, index: number): string {
  return `file ${byteAt(file, index * k.pageSize)}`;
}
