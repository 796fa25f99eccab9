/**
 * The strategy authoring API: `import { defineStrategy } from 'faultline'`. What a candidate fix's
 * hooks are given (the model's struct page, pte, VMA, mm, task and the machine) and the kernel
 * helpers and flags the strategies in the tree use, under their kernel names. docs/strategies.md
 * walks through writing one.
 */
export { defineStrategy, StrategyDefinitionError, type Family, type StrategyDefinition } from './defineStrategy.js';
export type { Strategy } from '../core/Strategy.js';
export { baselineHooks, type FaultCtx, type GupCaller, type HookName, type Hooks } from '../core/hooks.js';
export type { Kernel } from '../core/Kernel.js';
export { GUP_PIN_COUNTING_BIAS, Page } from '../core/mm/Page.js';
export type { Pte } from '../core/mm/Pte.js';
export { is_cow_mapping, set_vma_wp_bit, vma_wp_bit, type Vma } from '../core/mm/Vma.js';
export type { MmStruct } from '../core/mm/MmStruct.js';
export type { KGen, Task } from '../core/sched/Task.js';
export { RwSem } from '../core/sched/RwSem.js';
export { Mutex } from '../core/sched/Mutex.js';
export { SpinLock } from '../core/sched/SpinLock.js';
export { delete_from_swap_cache, page_swapcount, reuse_swap_page, try_to_free_swap } from '../core/mm/swap.js';
export type { Errno } from '../core/mm/gup.js';
export * from '../core/mm/flags.js';
