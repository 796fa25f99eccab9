/**
 * `scale:` — one workload file, a series of workloads: the same scenario at growing size, so the
 * report can say how a cost grows (constant, linear, worse) rather than give one point.
 *
 *     scale: { pages: [1, 2, 4, 8, 16] }
 *     ... vmas: { buf: { pages: ${pages} } } ... len: ${pages * 4096}
 *
 * A scalar that is exactly `${expr}` becomes the number; `${expr}` inside a longer string (a title)
 * is replaced by its value. `expr` is integer arithmetic over the parameter: + - * / and
 * parentheses, where / must divide exactly. Each value gives the workload id `<id>@<param>=<value>`.
 */
import { isScalar, visit, type Document } from 'yaml';
import type { SourcePos } from './types.js';
import { WorkloadError, didYouMean } from './WorkloadError.js';

export const PLACEHOLDER = /\$\{([^}]*)\}/g;

export interface SeriesPoint {
  /** The file's id without the @param=value suffix. */
  id: string;
  param: string;
  value: number;
}

/** `id@param=value`, and back. */
export function pointId(id: string, param: string, value: number): string {
  return `${id}@${param}=${value}`;
}

export function splitPointId(id: string): { base: string; param: string; value: number } | null {
  const m = /^(.*)@([A-Za-z_][A-Za-z0-9_]*)=(\d+)$/.exec(id);
  return m === null ? null : { base: m[1]!, param: m[2]!, value: Number(m[3]) };
}

/** Evaluate `expr` with `vars`; a message (not a throw) says what is wrong. */
export function evalExpr(expr: string, vars: ReadonlyMap<string, number>): number | string {
  const toks = expr.match(/\s*(\d+|[A-Za-z_][A-Za-z0-9_]*|[-+*/()]|\S)/g)?.map((s) => s.trim()) ?? [];
  let i = 0;
  const peek = () => toks[i];
  const fail = (why: string): never => {
    throw new Error(why);
  };
  const primary = (): number => {
    const t = toks[i++];
    if (t === undefined) return fail('the expression ends too early');
    if (/^\d+$/.test(t)) return Number(t);
    if (t === '(') {
      const v = sum();
      if (toks[i++] !== ')') fail('a ( without its )');
      return v;
    }
    if (t === '-') return -primary();
    if (/^[A-Za-z_]/.test(t)) {
      const v = vars.get(t);
      if (v === undefined) fail(`no scale parameter ${t}${didYouMean(t, vars.keys())} (parameters: ${[...vars.keys()].join(', ')})`);
      return v!;
    }
    return fail(`unexpected ${t} (allowed: integers, ${[...vars.keys()].join(', ')}, + - * / and parentheses)`);
  };
  const product = (): number => {
    let v = primary();
    while (peek() === '*' || peek() === '/') {
      const op = toks[i++];
      const r = primary();
      if (op === '*') v *= r;
      else {
        if (r === 0 || v % r !== 0) fail(`${v} / ${r} is not a whole number`);
        v /= r;
      }
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (peek() === '+' || peek() === '-') v = toks[i++] === '+' ? v + product() : v - product();
    return v;
  };
  try {
    if (toks.length === 0) return 'an empty ${}';
    const v = sum();
    if (i < toks.length) return `unexpected ${toks[i]} after a complete expression`;
    return v;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Replace every placeholder in `doc` (a clone; keys are left alone) with its value for `vars`;
 * `at` gives a node's position for messages.
 */
export function substitute(doc: Document, vars: ReadonlyMap<string, number>, at: (offset: number) => SourcePos, label: string): void {
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('${')) return;
      const s = node.value;
      const where = node.range ? at(node.range[0]) : at(0);
      const value = (expr: string): number => {
        const v = evalExpr(expr, vars);
        if (typeof v === 'string') throw new WorkloadError(where, `\${${expr}}${label}: ${v}`);
        return v;
      };
      const whole = /^\$\{([^}]*)\}$/.exec(s);
      node.value = whole !== null ? value(whole[1]!) : s.replace(PLACEHOLDER, (_m, e: string) => String(value(e)));
    },
  });
}

/** The first placeholder in a file that has no scale:, to refuse it. */
export function firstPlaceholder(doc: Document): { offset: number; text: string } | null {
  let found: { offset: number; text: string } | null = null;
  visit(doc, {
    Scalar(key, node) {
      if (key !== 'key' && isScalar(node) && typeof node.value === 'string' && /\$\{[^}]*\}/.test(node.value)) {
        found = { offset: node.range?.[0] ?? 0, text: node.value };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
