/**
 * arch/x86/mm/fault.c do_user_addr_fault(): take mmap_lock, find the VMA, call handle_mm_fault(),
 * and on VM_FAULT_RETRY (mmap_lock already dropped by the fault path) retry with the flags the
 * retry protocol gives: 4.3 clears FAULT_FLAG_ALLOW_RETRY and sets FAULT_FLAG_TRIED ("retry at most
 * once"), 5.7 keeps ALLOW_RETRY (4064b9827063). A fatal signal ends the loop.
 */
import type { Kernel } from '../Kernel.js';
import {
  FAULT_FLAG_ALLOW_RETRY,
  FAULT_FLAG_KILLABLE,
  FAULT_FLAG_USER,
  FAULT_FLAG_WRITE,
  VM_FAULT_OOM,
  VM_FAULT_RETRY,
  VM_FAULT_SIGBUS,
  VM_FAULT_SIGSEGV,
  VM_FAULT_USERFAULT,
  faultFlagNames,
} from '../mm/flags.js';
import { handle_mm_fault } from '../mm/memory.js';
import type { MmStruct } from '../mm/MmStruct.js';
import type { KGen, Task } from '../sched/Task.js';

/** What a user access ends in when it cannot complete. */
export type UserFault = 'SIGSEGV' | 'SIGBUS' | 'OOM' | 'SIGKILL';

export function* do_user_addr_fault(k: Kernel, t: Task, mm: MmStruct, vpn: number, write: boolean): KGen<UserFault | null> {
  let flags = FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE | FAULT_FLAG_USER | (write ? FAULT_FLAG_WRITE : 0);
  for (;;) {
    if (!(yield* mm.mmap_lock.down_read(t, true))) return 'SIGKILL';
    const vma = mm.find_vma(vpn);
    if (vma === null || (write ? !vma.write : !vma.read)) {
      mm.mmap_lock.up_read(t);
      k.tracing && k.log(t, 'do_user_addr_fault', `bad access: SIGSEGV`);
      return 'SIGSEGV';
    }
    const fault = yield* handle_mm_fault(k, t, vma, vpn, flags);
    if (fault & (VM_FAULT_RETRY | VM_FAULT_USERFAULT)) {
      // mmap_lock was released by the fault handler.
      k.stats.faultRetries++;
      if (t.fatal) return 'SIGKILL';
      flags = k.hooks.faultRetryFlags(k, flags, fault);
      k.tracing && k.log(t, 'do_user_addr_fault', `retry (${faultFlagNames(flags)})`);
      continue;
    }
    mm.mmap_lock.up_read(t);
    if (fault & VM_FAULT_OOM) return 'OOM';
    if (fault & VM_FAULT_SIGBUS) return 'SIGBUS';
    if (fault & VM_FAULT_SIGSEGV) return 'SIGSEGV';
    return null;
  }
}
