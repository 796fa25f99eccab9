import { PTE_PRESENT, PTE_SWAP } from '../../core/mm/Pte.js';
import type { Handle } from '../runtime/Proc.js';
import type { OpCtx } from './OpDef.js';

/**
 * pin-incoherent, judged on the model's state: each pinned page must still be the page the pinning
 * process maps at that address (directly, or through the swap cache). An address the process no
 * longer maps at all is not incoherent: it gave the memory up.
 */
export function checkPinCoherent({ k, proc, ex }: OpCtx, h: Extract<Handle, { kind: 'pin' }>, when: string): void {
  const pin = h.pin;
  for (let i = 0; i < pin.pages.length; i++) {
    const pte = proc.mm.pt.get(pin.firstVpn + i);
    if (pte === undefined) continue;
    let mapped = null;
    if (pte.kind === PTE_PRESENT) mapped = pte.page;
    else if (pte.kind === PTE_SWAP) mapped = k.swap.slot(pte.swp).cache;
    else continue;
    if (mapped !== pin.pages[i]) {
      ex.violate('pin-incoherent', `${when}: the pin holds ${pin.pages[i]} but ${proc.name} maps ${mapped ?? 'a swapped-out copy'} at ${h.vma}+${h.off + i * k.pageSize}`);
      return;
    }
  }
}
