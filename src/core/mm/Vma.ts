import type { MmStruct } from './MmStruct.js';
import type { UserfaultfdCtx } from '../uffd/userfaultfd.js';
import type { ShmemFile } from '../shmem/shmem.js';

/** struct vm_area_struct, reduced to what the modelled paths consult. Addresses are page numbers. */
export class Vma {
  /** VM_READ / VM_WRITE: the current protection. */
  read: boolean;
  write: boolean;
  /** VM_MAYWRITE: private writable mappings are COW mappings even while mprotect'ed R/O. */
  mayWrite: boolean;
  /** VM_SHARED. */
  shared: boolean;
  /** vm_userfaultfd_ctx and the VM_UFFD_MISSING / VM_UFFD_WP / VM_UFFD_MINOR bits. */
  uffdCtx: UserfaultfdCtx | null = null;
  uffdFlags = 0;
  /** vm_file and vm_pgoff: the shmem file behind a shared mapping, and the file index of `start`. */
  file: ShmemFile | null = null;
  pgoff = 0;
  /**
   * The vma-bitmap proposal (seed 001): one bit per page set by UFFDIO_WRITEPROTECT, consulted by
   * shmem_fault. Indexed by page offset into the VMA; null until that strategy allocates it.
   */
  uffdWpBitmap: Uint8Array | null = null;
  /**
   * Where the workload's mapping of this name begins, kept through __split_vma() and fork: traces
   * give a page as its byte offset from here, the offset the workload wrote (src/core/trace.ts).
   */
  base: number;

  constructor(
    readonly mm: MmStruct,
    /** The workload's name for this mapping (kept through fork). */
    readonly name: string,
    public start: number,
    public end: number,
    prot: { read: boolean; write: boolean },
    shared = false,
  ) {
    this.read = prot.read;
    this.write = prot.write;
    this.mayWrite = true;
    this.shared = shared;
    this.base = start;
  }

  /** linear_page_index(). */
  pgindex(vpn: number): number {
    return this.pgoff + (vpn - this.start);
  }

  get pages(): number {
    return this.end - this.start;
  }

  get anonymous(): boolean {
    return !this.shared;
  }

  contains(vpn: number): boolean {
    return vpn >= this.start && vpn < this.end;
  }
}

/** is_cow_mapping(): private and possibly writable. */
export function is_cow_mapping(vma: Vma): boolean {
  return !vma.shared && vma.mayWrite;
}

export function vma_wp_bit(vma: Vma, vpn: number): boolean {
  const b = vma.uffdWpBitmap;
  if (b === null || !vma.contains(vpn)) return false;
  const i = vpn - vma.start;
  return (b[i >> 3]! & (1 << (i & 7))) !== 0;
}

export function set_vma_wp_bit(vma: Vma, vpn: number, on: boolean): void {
  const b = vma.uffdWpBitmap;
  if (b === null || !vma.contains(vpn)) return;
  const i = vpn - vma.start;
  b[i >> 3] = on ? b[i >> 3]! | (1 << (i & 7)) : b[i >> 3]! & ~(1 << (i & 7));
}
