import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Strategy } from '../core/Strategy.js';

/** A --strategies-from module that cannot be used: bad input (exit 2). */
export class StrategyModuleError extends Error {}

/**
 * Strategies from modules outside the tree (`--strategies-from FILE.js`), for developing a candidate
 * fix without registering it: each module exports `strategies` (or a default export), an array of
 * Strategy objects.
 */
export async function loadStrategyModules(files: string[]): Promise<Strategy[]> {
  const out: Strategy[] = [];
  for (const f of files) {
    let m: Record<string, unknown>;
    try {
      m = (await import(pathToFileURL(resolve(f)).href)) as Record<string, unknown>;
    } catch (e) {
      throw new StrategyModuleError(`${f}:1:1: cannot load strategies (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    }
    const list = m.strategies ?? m.default;
    if (!Array.isArray(list)) throw new StrategyModuleError(`${f}:1:1: exports no strategies (expected \`export const strategies = [{ name, family, summary, refs, hooks }]\`)`);
    for (const s of list as Strategy[]) {
      if (typeof s?.name !== 'string' || typeof s.family !== 'string' || typeof s.hooks !== 'object' || s.hooks === null) {
        throw new StrategyModuleError(`${f}:1:1: not a strategy: ${JSON.stringify(s)?.slice(0, 60)} (expected { name, family, summary, refs, hooks })`);
      }
      out.push({ ...s, summary: s.summary ?? '', refs: s.refs ?? [] });
    }
  }
  return out;
}
