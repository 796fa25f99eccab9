import type { z } from 'zod';
import { didYouMean } from './WorkloadError.js';

type Path = (string | number)[];

/** The sub-schema at `path`, looking through optional/default wrappers; null where it cannot say. */
export function schemaAt(schema: z.ZodType, path: Path): z.ZodType | null {
  let s: z.ZodType | null = unwrap(schema);
  for (const seg of path) {
    if (s === null) return null;
    const def: Record<string, unknown> = (s as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (def.type === 'object') s = (def.shape as Record<string, z.ZodType>)[String(seg)] ?? null;
    else if (def.type === 'record') s = def.valueType as z.ZodType;
    else if (def.type === 'array') s = def.element as z.ZodType;
    else return null;
    if (s !== null) s = unwrap(s);
  }
  return s;
}

function unwrap(s: z.ZodType): z.ZodType {
  for (;;) {
    const def: Record<string, unknown> = (s as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') s = def.innerType as z.ZodType;
    else return s;
  }
}

function valueAt(raw: unknown, path: Path): unknown {
  let v = raw;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[String(seg)];
  }
  return v;
}

/** How a YAML value reads to the person who wrote it. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return v instanceof Uint8Array ? 'binary data' : 'a map';
  if (typeof v === 'string') return `the string "${v.length > 40 ? `${v.slice(0, 40)}...` : v}"`;
  if (typeof v === 'number') return Number.isFinite(v) ? `the number ${v}` : `the number ${v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan'}`;
  return `${typeof v} ${String(v)}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  record: 'a map',
  object: 'a map',
  array: 'a list',
};

function bounds(s: z.ZodType | null): string {
  const def = (s as unknown as { _zod?: { def: Record<string, unknown> } } | null)?._zod?.def;
  if (def?.type === 'union') {
    // A number or a word (`preemptions: 0..8 | unbounded`): the range, then the words.
    const parts: string[] = [];
    for (const o of def.options as z.ZodType[]) {
      const od = (o as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
      if (od.type === 'literal') parts.push(...(od.values as unknown[]).map(String));
      else if (bounds(o)) parts.push(bounds(o));
    }
    return parts.join(', or ');
  }
  const n = s as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean } | null;
  if (!n || (n.minValue == null && n.maxValue == null)) return '';
  const lo = n.minValue == null || !Number.isFinite(n.minValue) ? '' : String(n.minValue);
  const hi = n.maxValue == null || !Number.isFinite(n.maxValue) ? '' : String(n.maxValue);
  return `${n.isInt ? 'a whole number ' : ''}${lo}..${hi}`;
}

function keysOf(s: z.ZodType | null): string[] {
  const def = (s as unknown as { _zod?: { def: Record<string, unknown> } } | null)?._zod?.def;
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

/**
 * One zod issue as `what is wrong (what is allowed)`, in the words of the file (values, not types),
 * with the allowed keys, options or range where the schema knows them.
 */
export function describeIssue(issue: z.core.$ZodIssue, raw: unknown, schema: z.ZodType): { msg: string; key?: string } {
  const value = valueAt(raw, issue.path as Path);
  const here = schemaAt(schema, issue.path as Path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = keysOf(here).filter((k) => k !== '$schema');
      const k = issue.keys[0]!;
      return { msg: `unknown key ${k}${didYouMean(k, allowed)}${allowed.length ? ` (keys: ${allowed.join(', ')})` : ''}`, key: k };
    }
    case 'invalid_value':
      return { msg: `${describeValue(value)} is not allowed (allowed: ${issue.values.map(String).join(', ')})` };
    case 'invalid_type': {
      const want = TYPE_WORDS[issue.expected] ?? issue.expected;
      if (value === undefined) return { msg: `missing (expected ${here?.description ?? want})` };
      const b = issue.expected === 'number' || issue.expected === 'int' ? bounds(here) : '';
      return { msg: `got ${describeValue(value)} (expected ${b ? b : want})` };
    }
    case 'too_small':
    case 'too_big': {
      if (issue.origin === 'number' || issue.origin === 'int') return { msg: `${describeValue(value)} is out of range (${bounds(here)})` };
      const n = issue.code === 'too_small' ? `at least ${String(issue.minimum)}` : `at most ${String(issue.maximum)}`;
      const unit = issue.origin === 'string' ? 'characters' : issue.origin === 'array' ? 'entries' : '';
      return { msg: `${describeValue(value)} is too ${issue.code === 'too_small' ? 'short' : 'long'} (${n}${unit ? ` ${unit}` : ''})` };
    }
    case 'invalid_format':
      return { msg: `${describeValue(value)} is not allowed (${issue.message})` };
    case 'invalid_key': {
      const inner = issue.issues[0]?.message ?? 'a name';
      return { msg: `the key ${String(issue.path[issue.path.length - 1])} is not allowed (${inner})` };
    }
    case 'invalid_union':
      return { msg: `got ${describeValue(value)} (expected ${here?.description ?? 'one of the allowed forms'})` };
    case 'custom':
      const b = bounds(here);
      return { msg: `${describeValue(value)} is not ${issue.message}${b ? ` (${b}, ${issue.message})` : ''}` };
    default:
      return { msg: issue.message };
  }
}
