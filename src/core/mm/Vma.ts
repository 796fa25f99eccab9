import type { MmStruct } from './MmStruct.js';
import type { UserfaultfdCtx } from '../uffd/userfaultfd.js';

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
