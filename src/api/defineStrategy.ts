import type { Hooks } from '../core/hooks.js';
import type { Strategy } from '../core/Strategy.js';
import { checkStrategy } from '../harness/strategyCheck.js';
import { ALL_STRATEGIES } from '../../strategies/index.js';

/** The families of the strategies in the tree; a strategy module's must be one of them. */
export type Family = 'gup-cow' | 'uffd-retry' | 'gup-unlock' | 'uffd-wp-shmem' | 'user-events';

/** A candidate fix as its author writes it; `defineStrategy` checks it and gives the Strategy. */
export interface StrategyDefinition {
  /** Used in --strategy, compositions `a+b` and replay tokens: letters, digits, '.', '_', '-'. */
  name: string;
  family: Family;
  /** One line: what the patch changes. */
  summary: string;
  /** The LKML thread(s) or commit(s) it models. */
  refs?: string[];
  /** The family's baseline (the kernel before any candidate fix). */
  baseline?: boolean;
  /** false: a building block of kernel timelines, not run on its own by default. */
  standalone?: boolean;
  /** The decision points it overrides; every other hook keeps the baseline kernel's code. */
  hooks: Partial<Hooks>;
}

/** A definition that defineStrategy refused; the CLI reports it as file:line:col, exit 2. */
export class StrategyDefinitionError extends Error {
  constructor(
    message: string,
    readonly key: string,
    readonly isValue: boolean,
  ) {
    super(message);
    this.name = 'StrategyDefinitionError';
  }
}


/**
 * Define a candidate fix. Typed: a misspelt hook or family, a hook with the wrong parameters or a
 * field that does not exist is a compile error in an editor; and checked when the module loads, for
 * plain JavaScript, with a did-you-mean.
 */
export function defineStrategy(def: StrategyDefinition): Strategy {
  const p = checkStrategy(def, [...new Set(ALL_STRATEGIES.map((s) => s.family))]);
  if (p !== null) throw new StrategyDefinitionError(p.message, p.key, p.isValue === true);
  return { refs: [], ...def } as Strategy;
}
