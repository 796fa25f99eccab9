import { z } from 'zod';
import { OPS } from './index.js';

/** One argument of an op, read from its zod schema: what users can write, its type and default. */
export interface OpArg {
  name: string;
  type: string;
  required: boolean;
  default?: string;
  description?: string;
}

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
  description?: string;
  const?: unknown;
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((e) => String(e)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.anyOf) return s.anyOf.map(typeOf).join(' | ');
  if (s.type === 'array') return `[${s.items ? typeOf(s.items) : 'any'}, ...]`;
  if (s.type === 'integer') {
    const big = (n: number | undefined) => n === undefined || Math.abs(n) >= 2 ** 53 - 1;
    return big(s.maximum) ? (s.minimum === 0 ? 'integer ≥ 0' : s.minimum === 1 ? 'integer ≥ 1' : 'integer') : `integer ${s.minimum ?? 0}..${s.maximum}`;
  }
  if (s.type === 'string') return 'name';
  return Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
}

/** The op's argument: a mapping of named arguments, or one scalar (`fork: C`), or nothing. */
export function opArgs(name: string): { form: 'map' | 'scalar' | 'none'; args: OpArg[]; scalar?: string } {
  const op = OPS.get(name)!;
  const s = z.toJSONSchema(op.args, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const obj = s.properties ? s : s.anyOf?.find((x) => x.properties);
  if (obj?.properties && Object.keys(obj.properties).length > 0) {
    const req = new Set(obj.required ?? []);
    return {
      form: 'map',
      args: Object.entries(obj.properties).map(([n, p]) => ({
        name: n,
        type: typeOf(p),
        required: req.has(n),
        ...(p.default !== undefined ? { default: JSON.stringify(p.default) } : {}),
        ...(p.description ? { description: p.description } : {}),
      })),
    };
  }
  if (obj?.properties) return { form: 'none', args: [] };
  return { form: 'scalar', args: [], scalar: typeOf(s) };
}

function argLine(a: OpArg): string {
  const d = a.required ? 'required' : a.default !== undefined ? `default ${a.default}` : 'optional';
  return `${a.name}: ${a.type} (${d})${a.description ? `: ${a.description}` : ''}`;
}

/** `faultline list ops --verbose`: every op, its arguments, their types and defaults. */
export function opsText(): string {
  const out: string[] = [];
  for (const op of OPS.values()) {
    const a = opArgs(op.name);
    out.push(`${op.name}: ${op.summary}`);
    if (a.form === 'scalar') out.push(`    ${op.name}: ${a.scalar}`);
    else if (a.form === 'none') out.push(`    ${op.name}: {}`);
    for (const x of a.args) out.push(`    ${argLine(x)}`);
    out.push('    allow: [ERRNO, ...] (optional): errors or signals the workload accepts from this op');
  }
  return out.join('\n');
}

/** docs/ops.md, generated from the same schemas the loader checks workloads with. */
export function opsMarkdown(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const out = [
    '# Workload ops',
    '',
    '<!-- Generated from the op schemas by `faultline schema --ops docs/ops.md`; test/harness/ops/reference.test.ts keeps it in step. -->',
    '',
    'Every op also takes `allow: [ERRNO, ...]`: errors or signals (EFAULT, EINVAL, SIGBUS, ...) that the',
    'workload accepts from it; anything else is `unexpected-error` or `spurious-sigbus`. Offsets and',
    'lengths are bytes. `faultline list ops --verbose` prints the same.',
    '',
  ];
  for (const op of OPS.values()) {
    const a = opArgs(op.name);
    out.push(`## \`${op.name}\``, '', op.summary, '');
    if (a.form === 'scalar') out.push(`Written \`${op.name}: VALUE\`, VALUE a ${a.scalar}.`, '');
    else if (a.form === 'none') out.push(`Written \`${op.name}: {}\`; no arguments.`, '');
    else {
      out.push('| argument | type | default | meaning |', '|---|---|---|---|');
      for (const x of a.args) out.push(`| \`${x.name}\` | ${cell(x.type)} | ${x.required ? 'required' : x.default !== undefined ? `\`${cell(x.default)}\`` : '—'} | ${cell(x.description ?? '')} |`);
      out.push('');
    }
  }
  return out.join('\n');
}
