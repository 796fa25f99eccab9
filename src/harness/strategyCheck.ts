import { baselineHooks } from '../core/hooks.js';
import { didYouMean } from './workload/WorkloadError.js';

/** The fields a strategy object may have; anything else is a typo that would silently do nothing. */
export const STRATEGY_FIELDS = ['name', 'family', 'summary', 'refs', 'baseline', 'standalone', 'hooks'] as const;

export const HOOK_NAMES: readonly string[] = Object.keys(baselineHooks);

/** What is wrong with a strategy definition, and the key (or value) in its source that says so. */
export interface StrategyProblem {
  /** The key or string value to point at in the module's source. */
  key: string;
  /** The key is quoted as a string value (a family name), not a property name. */
  isValue?: boolean;
  message: string;
}

const isGeneratorFn = (f: unknown) => typeof f === 'function' && f.constructor.name === 'GeneratorFunction';

/**
 * Everything that can be checked before anything runs: a misspelt hook (`wpreuse`), family
 * (`gupcow`) or field would otherwise be accepted, and the results would describe a different patch
 * from the one written; a hook that is not a function would fail only at run time, deep in the model.
 * `families`: the families the registry knows (a strategy belongs to one whose workloads exist).
 */
export function checkStrategy(s: unknown, families: readonly string[]): StrategyProblem | null {
  if (s === null || typeof s !== 'object' || Array.isArray(s)) {
    return { key: '', message: `not a strategy: ${JSON.stringify(s)?.slice(0, 60)} (expected { name, family, summary, refs, hooks })` };
  }
  const o = s as Record<string, unknown>;
  const label = typeof o.name === 'string' ? `strategy ${o.name}` : 'a strategy';
  for (const k of Object.keys(o)) {
    if (!(STRATEGY_FIELDS as readonly string[]).includes(k)) {
      return { key: k, message: `${label}: unknown field ${k}${didYouMean(k, STRATEGY_FIELDS)} (fields: ${STRATEGY_FIELDS.join(', ')})` };
    }
  }
  if (typeof o.name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(o.name)) {
    return { key: 'name', message: `${label}: name must be a string of letters, digits, '.', '_' and '-' (it is written in --strategy lists, a+b compositions and replay tokens), got ${JSON.stringify(o.name)}` };
  }
  if (typeof o.family !== 'string') return { key: 'family', message: `${label}: family must be a string (families: ${families.join(', ')})` };
  if (!families.includes(o.family)) {
    return { key: o.family, isValue: true, message: `${label}: unknown family ${o.family}${didYouMean(o.family, families)} (families: ${families.join(', ')})` };
  }
  if (o.summary !== undefined && typeof o.summary !== 'string') return { key: 'summary', message: `${label}: summary must be a string` };
  if (o.refs !== undefined && !(Array.isArray(o.refs) && o.refs.every((r) => typeof r === 'string'))) return { key: 'refs', message: `${label}: refs must be a list of strings (commits, LKML message ids)` };
  for (const b of ['baseline', 'standalone'] as const) {
    if (o[b] !== undefined && typeof o[b] !== 'boolean') return { key: b, message: `${label}: ${b} must be true or false` };
  }
  const hooks = o.hooks;
  if (hooks === null || typeof hooks !== 'object' || Array.isArray(hooks)) {
    return { key: 'hooks', message: `${label}: hooks must be an object of hook functions (hooks: faultline list hooks)` };
  }
  for (const [h, fn] of Object.entries(hooks as Record<string, unknown>)) {
    if (!HOOK_NAMES.includes(h)) return { key: h, message: `${label}: unknown hook ${h}${didYouMean(h, HOOK_NAMES)} (hooks: faultline list hooks)` };
    if (typeof fn !== 'function') return { key: h, message: `${label}: hook ${h} is ${fn === null ? 'null' : typeof fn}, not a function` };
    const gen = isGeneratorFn((baselineHooks as unknown as Record<string, unknown>)[h]);
    if (gen && !isGeneratorFn(fn)) return { key: h, message: `${label}: hook ${h} must be a generator function (function* or *${h}() {...}): the kernel path may sleep in it` };
    if (!gen && isGeneratorFn(fn)) return { key: h, message: `${label}: hook ${h} must be a plain function, not a generator: the kernel path does not sleep there` };
  }
  return null;
}
