/** include/linux/mm_types.h enum fault_flag. */
export const FAULT_FLAG_WRITE = 1 << 0;
export const FAULT_FLAG_MKWRITE = 1 << 1;
export const FAULT_FLAG_ALLOW_RETRY = 1 << 2;
export const FAULT_FLAG_RETRY_NOWAIT = 1 << 3;
export const FAULT_FLAG_KILLABLE = 1 << 4;
export const FAULT_FLAG_TRIED = 1 << 5;
export const FAULT_FLAG_USER = 1 << 6;
export const FAULT_FLAG_REMOTE = 1 << 7;
export const FAULT_FLAG_INTERRUPTIBLE = 1 << 9;
export const FAULT_FLAG_UNSHARE = 1 << 10;
/** The 2015 thread's proposal: a second retry is allowed once. */
export const FAULT_FLAG_TRIED2 = 1 << 16;

/** include/linux/mm_types.h enum vm_fault_reason. */
export const VM_FAULT_OOM = 0x0001;
export const VM_FAULT_SIGBUS = 0x0002;
export const VM_FAULT_MAJOR = 0x0004;
export const VM_FAULT_WRITE = 0x0008;
export const VM_FAULT_SIGSEGV = 0x0040;
export const VM_FAULT_NOPAGE = 0x0100;
export const VM_FAULT_LOCKED = 0x0200;
export const VM_FAULT_RETRY = 0x0400;
/** The 2015 proposal: a userfault retry that ignores FAULT_FLAG_TRIED. */
export const VM_FAULT_USERFAULT = 0x8000;
export const VM_FAULT_ERROR = VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV;

/** include/linux/mm.h FOLL_* gup flags. */
export const FOLL_WRITE = 0x01;
export const FOLL_TOUCH = 0x02;
export const FOLL_GET = 0x04;
export const FOLL_NOWAIT = 0x20;
export const FOLL_FORCE = 0x10;
export const FOLL_TRIED = 0x800;
export const FOLL_REMOTE = 0x2000;
export const FOLL_LONGTERM = 0x10000;
export const FOLL_PIN = 0x40000;
export const FOLL_FAST_ONLY = 0x80000;
export const FOLL_NOFAULT = 0x100000;

export function faultFlagNames(f: number): string {
  const n: string[] = [];
  if (f & FAULT_FLAG_WRITE) n.push('WRITE');
  if (f & FAULT_FLAG_UNSHARE) n.push('UNSHARE');
  if (f & FAULT_FLAG_ALLOW_RETRY) n.push('ALLOW_RETRY');
  if (f & FAULT_FLAG_RETRY_NOWAIT) n.push('RETRY_NOWAIT');
  if (f & FAULT_FLAG_TRIED) n.push('TRIED');
  if (f & FAULT_FLAG_TRIED2) n.push('TRIED2');
  return n.join('|') || '0';
}

export function follFlagNames(f: number): string {
  const n: string[] = [];
  n.push(f & FOLL_PIN ? 'FOLL_PIN' : 'FOLL_GET');
  if (f & FOLL_WRITE) n.push('FOLL_WRITE');
  if (f & FOLL_LONGTERM) n.push('FOLL_LONGTERM');
  if (f & FOLL_NOWAIT) n.push('FOLL_NOWAIT');
  if (f & FOLL_NOFAULT) n.push('FOLL_NOFAULT');
  return n.join('|');
}
