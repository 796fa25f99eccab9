import { z } from 'zod';
import { hva_to_pfn } from '../../core/virt/kvm.js';
import { defineOp } from './OpDef.js';
import { at, off } from './common.js';

/** A vCPU touches guest memory backed by this mapping: KVM's hva_to_pfn(). */
export const kvm_fault = defineOp({
  name: 'kvm_fault',
  summary: 'KVM guest fault on a page of the mapping: gup_fast, FOLL_NOWAIT GUP (async page fault), then the blocking GUP',
  args: z.strictObject({ at, off, write: z.boolean().default(true) }),
  refs: (a) => ({ vma: { name: a.at, off: a.off, len: 1 } }),
  *run({ k, t, proc, ex }, a) {
    const w = ex.where(proc, a.at, a.off, 1);
    const vpn = Math.floor(w.addr / k.pageSize);
    const t0 = ex.oracle.now();
    const r = yield* hva_to_pfn(k, t, proc.mm, vpn, a.write);
    if (r.err !== null) return r.err;
    ex.uffd.accessed(proc, t.name, vpn, vpn + 1, t0);
    return null;
  },
});
