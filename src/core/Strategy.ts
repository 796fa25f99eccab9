import { baselineHooks, type HookName, type Hooks } from './hooks.js';

/**
 * A candidate fix: metadata plus the hooks it overrides. Strategies are plain objects (the shape
 * xstate uses for plug-in logic), so that one reads like the patch it models.
 */
export interface Strategy {
  name: string;
  family: string;
  summary: string;
  /** The LKML thread(s) or commit(s) it models. */
  refs: string[];
  /** The family's baseline (the kernel before any of the candidate fixes). */
  baseline?: boolean;
  /** false: a building block of kernel timelines, not run on its own by default. */
  standalone?: boolean;
  hooks: Partial<Hooks>;
}

/**
 * How a thread's proposal reads when it is more than one building block: a composition (`a+b`) run
 * by default with its family, under that name, beside the single strategies.
 */
export interface Reading {
  spec: string;
  family: string;
  summary: string;
  refs: string[];
}

export interface Kernel {
  /** The name runs are reported under: a strategy, a composition `a+b`, or a kernel timeline. */
  name: string;
  parts: Strategy[];
  hooks: Hooks;
}

export class CompositionError extends Error {}

/**
 * Merge strategies' hooks over the baseline; two strategies overriding one hook is an error, unless
 * both set it to the very same function: a prerequisite one design includes and a timeline also
 * names on its own (anon-exclusive and fork-write-protect-seq both bring 57efa1fe5957's seqcount).
 */
export function compose(name: string, parts: Strategy[]): Kernel {
  const hooks: Hooks = { ...baselineHooks };
  const owner = new Map<HookName, string>();
  for (const s of parts) {
    for (const h of Object.keys(s.hooks) as HookName[]) {
      const prev = owner.get(h);
      if (prev !== undefined && prev !== s.name && hooks[h] !== s.hooks[h]) {
        throw new CompositionError(`strategies ${prev} and ${s.name} both override the hook ${h}; they cannot be composed`);
      }
      owner.set(h, s.name);
      (hooks as unknown as Record<string, unknown>)[h] = s.hooks[h];
    }
  }
  return { name, parts, hooks };
}
