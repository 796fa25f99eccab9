import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KernelBug } from '../../core/bug.js';
import { baselineHooks, type HookName, type Hooks } from '../../core/hooks.js';
import type { Kernel as Machine } from '../../core/Kernel.js';
import { check_model } from '../../core/mm/debug_vm.js';
import { ThreadExit } from '../../core/sched/Scheduler.js';
import type { KGen } from '../../core/sched/Task.js';
import type { Kernel } from '../../core/Strategy.js';

/**
 * A strategy's hook crashed or broke the model: the strategy is code under test, so this is the
 * run's `error` verdict (with the hook and strategy named), not a finding about the kernel design.
 */
export class StrategyFault extends Error {
  constructor(strategy: string, hook: string, what: string, cause?: unknown) {
    super(`strategy ${strategy}, hook ${hook}: ${what}`);
    this.name = 'StrategyFault';
    // Keep where in the strategy it happened (the cause's frames), under our one-line message.
    const frames = cause instanceof Error && cause.stack ? cause.stack.split('\n').filter((l) => /^\s+at /.test(l)) : [];
    this.stack = [this.message, ...strategyFrames(frames)].join('\n');
  }
}

/** This package's own code: its frames say nothing about the strategy, and their paths are this machine's. */
const HERE = fileURLToPath(import.meta.url);
const OWN = HERE.slice(0, HERE.lastIndexOf(`${sep}src${sep}harness${sep}`)).replace(new RegExp(`\\${sep}dist$`), '') + sep;

/**
 * The frames of the strategy's code only, its paths relative to the current folder: results.json
 * holds them, and it is compared across machines and read in pull requests.
 */
function strategyFrames(frames: string[]): string[] {
  const cwd = process.cwd() + sep;
  return frames
    .filter((l) => !l.includes('node:internal') && !l.replace('file://', '').includes(OWN + 'dist' + sep) && !l.replace('file://', '').includes(OWN + 'src' + sep))
    .map((l) => l.replace(/file:\/\//g, '').split(cwd).join(''));
}

const isGenerator = (f: unknown) => typeof f === 'function' && f.constructor.name === 'GeneratorFunction';

function fault(strategy: string, hook: string, e: unknown): unknown {
  if (e instanceof ThreadExit || e instanceof StrategyFault) return e;
  if (e instanceof KernelBug) return new StrategyFault(strategy, hook, `broke a model invariant: ${e.message}`, e);
  return new StrategyFault(strategy, hook, `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, e);
}

/** With --check-model: the model was consistent (or as inconsistent) before the hook ran. */
function checkAfter(k: Machine, before: string | null, strategy: string, hook: string): void {
  const after = check_model(k);
  if (after !== null && after !== before) throw new StrategyFault(strategy, hook, `broke a model invariant: ${after}`);
}

const cache = new WeakMap<Kernel, Hooks>();

/**
 * The kernel's hooks, with every hook a strategy overrides guarded: an exception it throws, or a
 * model assertion (KernelBug) that fires inside it, becomes a StrategyFault; with the machine's
 * `debugVm` on, a model inconsistency that appears across the call does too. Baseline hooks are the
 * kernel's own code and stay as they are.
 */
export function guardedHooks(kernel: Kernel): Hooks {
  let g = cache.get(kernel);
  if (g !== undefined) return g;
  g = { ...kernel.hooks };
  const rec = g as unknown as Record<string, unknown>;
  for (const name of Object.keys(kernel.hooks) as HookName[]) {
    const fn = kernel.hooks[name] as unknown as (k: Machine, ...a: unknown[]) => unknown;
    if (fn === (baselineHooks[name] as unknown)) continue;
    const owner = kernel.parts.find((p) => p.hooks[name] === (fn as unknown))?.name ?? kernel.name;
    if (isGenerator(baselineHooks[name])) {
      rec[name] = function* (k: Machine, ...a: unknown[]): KGen<unknown> {
        const before = k.debugVm ? check_model(k) : null;
        let r: unknown;
        try {
          r = yield* (fn(k, ...a) as KGen<unknown>);
        } catch (e) {
          throw fault(owner, name, e);
        }
        if (k.debugVm) checkAfter(k, before, owner, name);
        return r;
      };
    } else {
      rec[name] = (k: Machine, ...a: unknown[]) => {
        const before = k.debugVm ? check_model(k) : null;
        let r: unknown;
        try {
          r = fn(k, ...a);
        } catch (e) {
          throw fault(owner, name, e);
        }
        if (k.debugVm) checkAfter(k, before, owner, name);
        return r;
      };
    }
  }
  cache.set(kernel, g);
  return g;
}
