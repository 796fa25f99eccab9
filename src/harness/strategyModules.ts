import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import type { Strategy } from '../core/Strategy.js';
import { checkStrategy, type StrategyProblem } from './strategyCheck.js';
import { ALL_STRATEGIES } from '../../strategies/index.js';

/** A --strategies-from module that cannot be used: bad input (exit 2). */
export class StrategyModuleError extends Error {}

/** The package entry (`import { defineStrategy } from 'faultline'`), as built next to this file. */
const API = ['../api/index.js', '../api/index.ts'].map((f) => fileURLToPath(new URL(f, import.meta.url))).find((f) => existsSync(f))!;

/**
 * jiti loads .ts, .mts, .mjs and .js modules alike on Node 20 (which cannot strip types), with no
 * dependency of its own, and lets `faultline` resolve to this very installation from a module kept
 * anywhere: a candidate fix under development need not live in, or be installed next to, the tree.
 * Nothing is cached on disk (the run must not depend on, or leave, files elsewhere).
 */
const jiti = createJiti(import.meta.url, { alias: { faultline: API }, fsCache: false, moduleCache: false, interopDefault: false, tryNative: true });

/** Where a key (or a quoted value) first appears in the module's source, 1-based; else 1:1. */
function positionOf(file: string, p: StrategyProblem): { line: number; col: number } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { line: 1, col: 1 };
  }
  const k = p.key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = p.isValue ? new RegExp(`['"\`]${k}['"\`]`) : new RegExp(`(?<![\\w$])['"]?${k}['"]?\\s*[:(=,}]|\\*\\s*${k}\\s*\\(`);
  const m = p.key === '' ? null : re.exec(text);
  if (m === null) return { line: 1, col: 1 };
  const before = text.slice(0, m.index + (m[0].startsWith('*') ? m[0].indexOf(p.key) : 0));
  const line = before.split('\n').length;
  return { line, col: before.length - before.lastIndexOf('\n') };
}

/** The name to print for a module: as given, or relative to the current folder; never absolute. */
function shown(f: string): string {
  const r = relative(process.cwd(), resolve(f));
  return r.startsWith('..') ? f : r;
}

/**
 * Strategies from modules outside the tree (`--strategies-from FILE`), for developing a candidate
 * fix without registering it: each module exports `strategies` (an array), or a default export (one
 * strategy or an array), each made with defineStrategy() or a plain object of the same shape. Every
 * strategy is checked before anything runs; a problem is `file:line:col: what (what is allowed)`.
 */
export async function loadStrategyModules(files: string[]): Promise<Strategy[]> {
  const out: Strategy[] = [];
  const families = [...new Set(ALL_STRATEGIES.map((s) => s.family))];
  for (const f of files) {
    const file = resolve(f);
    const at = (p: StrategyProblem) => {
      const pos = positionOf(file, p);
      return `${shown(f)}:${pos.line}:${pos.col}`;
    };
    let m: Record<string, unknown>;
    try {
      m = (await jiti.import(file)) as Record<string, unknown>;
    } catch (e) {
      // defineStrategy() refused a definition while the module was being evaluated.
      if (e instanceof Error && e.name === 'StrategyDefinitionError') {
        const p = { key: String((e as { key?: unknown }).key ?? ''), isValue: (e as { isValue?: unknown }).isValue === true, message: e.message };
        throw new StrategyModuleError(`${at(p)}: ${p.message}`);
      }
      const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      throw new StrategyModuleError(`${shown(f)}:1:1: cannot load strategies (${msg.replaceAll(file, shown(f))})`);
    }
    const exported = m.strategies ?? m.default;
    const list = Array.isArray(exported) ? exported : exported !== undefined && exported !== null && typeof exported === 'object' ? [exported] : null;
    if (list === null) throw new StrategyModuleError(`${shown(f)}:1:1: exports no strategies (expected \`export const strategies = [defineStrategy({ name, family, summary, refs, hooks })]\` or a default export)`);
    for (const s of list as unknown[]) {
      const p = checkStrategy(s, families);
      if (p !== null) throw new StrategyModuleError(`${at(p)}: ${p.message}`);
      const st = s as Strategy;
      out.push({ ...st, summary: st.summary ?? '', refs: st.refs ?? [] });
    }
  }
  return out;
}
