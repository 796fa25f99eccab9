import type { z } from 'zod';
import type { Kernel } from '../../core/Kernel.js';
import type { KGen, Task } from '../../core/sched/Task.js';
import type { Execution } from '../runtime/Execution.js';
import type { Proc } from '../runtime/Proc.js';
import type { OpNode } from '../workload/types.js';
import type { FeatureNeedSpec, NeedsEnv } from '../features.js';

/** What the loader checks across ops: names an op refers to or introduces. */
export interface OpRefs {
  /** A range of one of the process's mappings. */
  vma?: { name: string; off: number; len?: number };
  defines?: { handle: string; kind: HandleKind };
  uses?: { handle: string; kind: HandleKind }[];
  posts?: string;
  awaits?: string;
  forks?: string;
  waitsFor?: string;
  thread?: string;
  /** A new mapping this op creates. */
  maps?: { name: string; pages: number; type: 'anon' | 'shmem' };
}

export type HandleKind = 'dio' | 'pipe' | 'pin' | 'uffd' | 'user_event';

/** The context an op runs in: the machine, its thread and process, and the execution (oracle, events). */
export interface OpCtx {
  k: Kernel;
  t: Task;
  proc: Proc;
  ex: Execution;
  node: OpNode;
}

/**
 * One workload op: its argument schema, what it refers to, and the user program it runs. The result
 * is null on success or the errno/signal the op ended in (judged against `allow:`).
 */
export interface OpDef<A = unknown> {
  name: string;
  summary: string;
  args: z.ZodType<A>;
  refs(a: A): OpRefs;
  /**
   * The kernel features this use of the op needs (none if absent): a named kernel that lacks one
   * skips the workload. Judged from the arguments and the mappings they name, never at run time.
   */
  needs?(a: A, env: NeedsEnv): FeatureNeedSpec[];
  run(c: OpCtx, a: A): KGen<string | null>;
}

export function defineOp<A>(d: OpDef<A>): OpDef<A> {
  return d;
}
