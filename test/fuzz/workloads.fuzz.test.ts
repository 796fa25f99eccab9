import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { explore } from '../../src/harness/explore/explore.js';
import { OPS } from '../../src/harness/ops/index.js';
import type { RunResult } from '../../src/harness/results.js';
import { parseWorkload } from '../../src/harness/workload/load.js';
import { WorkloadError } from '../../src/harness/workload/WorkloadError.js';
import { CONFIGS, ROOT, registry } from '../helpers.js';

/**
 * Workload files are written by hand: whatever a file holds, faultline either refuses it with one
 * `file:line:col: ...` line or runs it to a complete result. Never an exception of another kind, a
 * hang, or a half-made result. Mutations of every file in configs/ and small generated workloads,
 * through the same loader and explorer the CLI uses (a tiny budget keeps each case fast, and
 * --check-model is on, so that an op sequence that confuses the model shows up as well).
 */
const reg = registry();
const SPECS = [...reg.strategies.keys(), ...reg.kernels.keys()];
const SEEDS = readdirSync(join(CONFIGS, 'gup-cow'))
  .sort()
  .map((f) => readFileSync(join(CONFIGS, 'gup-cow', f), 'utf8'));
const OP_NAMES = [...OPS.keys()];
const KEYS = ['title', 'processes', 'vmas', 'threads', 'at', 'off', 'len', 'fill', 'as', 'gup', 'pages', 'type', 'prot', 'expect', 'explore', 'mode', 'write', 'fast', 'longterm', 'advice', 'allow', '__proto__', 'constructor'];
const JUNK = ['\0', '\t', '\n', '{', '}', '[', ']', ':', '- ', '&a', '*a', '!tag ', '"', "'", '#', '---\n', '%YAML 1.1\n', '\u00ff', '\ud800', '<<: *a', '? ', '|', '>'];

type Outcome = { kind: 'refused'; line: string } | { kind: 'ran'; runs: RunResult[] };

/** The loader and explorer, with the CLI's rule: WorkloadError is bad input, anything else a crash. */
function attempt(text: string, spec: string): Outcome {
  let w;
  try {
    w = parseWorkload(text, 'fuzz/case.yaml', 'fuzz/case', reg);
  } catch (e) {
    if (e instanceof WorkloadError) return { kind: 'refused', line: e.message };
    throw e;
  }
  w.explore.steps = Math.min(w.explore.steps, 3000);
  const r = explore(w, reg.resolve(spec), { budget: 3, preemptions: 1, checkModel: true });
  return { kind: 'ran', runs: [r] };
}

function judge(o: Outcome): void {
  if (o.kind === 'refused') {
    expect(o.line).toMatch(/^fuzz\/case\.yaml:\d+:\d+: \S/);
    expect(o.line).not.toContain('\n');
    return;
  }
  for (const r of o.runs) {
    expect(['pass', 'fail', 'error']).toContain(r.verdict);
    expect(r.exploration.executions).toBeGreaterThan(0);
    // A valid workload must not crash the model: `error` is for faulty strategies, and these are ours.
    expect(r.error ?? null, r.error).toBeNull();
    for (const v of r.violations) expect(v.replay).toMatch(/^fuzz\/case(@\w+=\d+)?~/);
  }
}

// ---- mutations of a parsed workload ------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every container path in a document, so a mutation can pick one. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k]!, [...at, k], out);
  return out;
}

function get(v: Json, p: (string | number)[]): Json {
  return p.reduce<Json>((a, k) => (a as Record<string, Json>)[k as string]!, v);
}

function set(v: Json, p: (string | number)[], x: Json | undefined): Json {
  if (p.length === 0) return x ?? null;
  const parent = get(v, p.slice(0, -1)) as Record<string, Json> | Json[];
  const k = p[p.length - 1]!;
  if (x === undefined) {
    if (Array.isArray(parent)) parent.splice(k as number, 1);
    else delete (parent as Record<string, Json>)[k as string];
  } else (parent as Record<string, Json>)[k as string] = x;
  return v;
}

const weird: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, -1, 0, 255, 256, 4096, 1e9, 0.5, -0.0, '', 'buf', 'P', 'C', 'r1', 'x y', [], {}, [null], { write: null }),
  fc.constantFrom(...OP_NAMES).map((o): Json => ({ [o]: {} })),
  fc.integer({ min: -10, max: 70_000 }),
  fc.string({ maxLength: 8 }),
);

/** A structural change at a random place: drop, rename, replace by something odd, or swap in an op. */
const structural = fc.tuple(fc.nat(), fc.constantFrom('drop', 'rename', 'replace', 'op', 'dup'), weird, fc.constantFrom(...KEYS, ...OP_NAMES)).map(
  ([pick, how, value, key]) =>
    (doc: Json): Json => {
      const ps = paths(doc).filter((p) => p.length > 0);
      if (ps.length === 0) return doc;
      const p = ps[pick % ps.length]!;
      const old = get(doc, p);
      switch (how) {
        case 'drop':
          return set(doc, p, undefined);
        case 'rename': {
          const parent = get(doc, p.slice(0, -1));
          if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return set(doc, p, value);
          set(doc, p, undefined);
          (parent as Record<string, Json>)[key] = old;
          return doc;
        }
        case 'op':
          return set(doc, p, { [key]: old });
        case 'dup':
          return set(doc, p, [old, old]);
        default:
          return set(doc, p, value);
      }
    },
);

/** A change to the text itself: truncate, insert junk, delete or duplicate a slice. */
const textual = fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('truncate', 'insert', 'delete', 'dupline'), fc.oneof(fc.constantFrom(...JUNK), fc.string({ maxLength: 6 }))).map(
  ([a, b, how, junk]) =>
    (text: string): string => {
      const i = a % (text.length + 1);
      const j = Math.min(text.length, i + (b % 40));
      switch (how) {
        case 'truncate':
          return text.slice(0, i);
        case 'insert':
          return text.slice(0, i) + junk + text.slice(i);
        case 'delete':
          return text.slice(0, i) + text.slice(j);
        default: {
          const lines = text.split('\n');
          const k = a % lines.length;
          lines.splice(k, 0, lines[k]!);
          return lines.join('\n');
        }
      }
    },
);

const mutatedConfig = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(structural, { minLength: 0, maxLength: 3 }), fc.array(textual, { minLength: 0, maxLength: 2 }))
  .map(([src, ss, ts]) => {
    let doc = parseYaml(src) as Json;
    for (const m of ss) doc = m(doc);
    let text = stringify(doc);
    for (const m of ts) text = m(text);
    return text;
  });

// ---- small generated workloads -----------------------------------------------------------------

const vmaName = fc.constantFrom('buf', 'b2', 'nope');
const byteArb = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(-1, 256));
const offArb = fc.oneof(fc.constantFrom(0, 2048, 4095, 4096, 8192), fc.nat(9000));
const lenArb = fc.option(fc.constantFrom(1, 2048, 4096, 8192), { nil: undefined });

const genOp = fc.oneof(
  fc.record({ read: fc.record({ at: vmaName, off: offArb, len: lenArb }, { requiredKeys: ['at'] }) }),
  fc.record({ write: fc.record({ at: vmaName, off: offArb, len: lenArb, fill: byteArb }, { requiredKeys: ['at', 'fill'] }) }),
  fc.constant({ fork: 'C' }),
  fc.constant({ post: 'go' }),
  fc.constant({ await: 'go' }),
  fc.record({ dio_read: fc.record({ as: fc.constant('r1'), at: vmaName, fill: byteArb, gup: fc.constantFrom('get', 'pin') }) }),
  fc.record({ dio_write: fc.record({ as: fc.constant('w1'), at: vmaName, gup: fc.constantFrom('get', 'pin') }) }),
  fc.constantFrom({ dio_wait: 'r1' }, { dio_wait: 'w1' }, { unpin: 'p1' }, { pipe_read: 's1' }, { pin_read: 'p1' }, { exit: {} }, { waitpid: 'C' }),
  fc.record({ pin: fc.record({ as: fc.constant('p1'), at: vmaName, write: fc.boolean(), fast: fc.boolean() }) }),
  fc.record({ vmsplice: fc.record({ as: fc.constant('s1'), at: vmaName }) }),
  fc.record({ swapout: fc.record({ at: vmaName }) }),
  fc.record({ madvise: fc.record({ at: vmaName, advice: fc.constantFrom('dontneed', 'pageout') }) }),
  fc.record({ mprotect: fc.record({ at: vmaName, prot: fc.constantFrom('none', 'r', 'rw') }) }),
  fc.record({ munmap: fc.record({ at: vmaName }) }),
  fc.record({ mmap: fc.record({ name: fc.constant('b2'), type: fc.constantFrom('anon', 'shmem'), pages: fc.integer({ min: 1, max: 2 }) }) }),
);

const genWorkload = fc
  .record({
    pages: fc.integer({ min: 1, max: 2 }),
    type: fc.constantFrom('anon', 'shmem'),
    p: fc.array(fc.array(genOp, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 2 }),
    c: fc.array(genOp, { minLength: 0, maxLength: 3 }),
    allow: fc.boolean(),
  })
  .map(({ pages, type, p, c, allow }) => {
    const withAllow = (ops: object[]) => (allow ? ops.map((o) => ({ ...o, allow: ['EFAULT', 'SIGSEGV', 'SIGBUS', 'ENOMEM', 'OOM'] })) : ops);
    const doc = {
      title: 'generated',
      processes: {
        P: { vmas: { buf: { type, pages, ...(type === 'shmem' ? { file: 'f' } : {}) } }, threads: Object.fromEntries(p.map((ops, i) => [`t${i}`, withAllow(ops)])) },
        C: { threads: { main: withAllow(c.filter((o) => !('fork' in o))) } },
      },
    };
    return stringify(doc);
  });

describe('fuzzing the loader and explorer with malformed and odd workloads', () => {
  const stats = { refused: 0, ran: 0 };
  const property = (text: string, spec: string) => {
    const o = attempt(text, spec);
    o.kind === 'refused' ? stats.refused++ : stats.ran++;
    judge(o);
  };

  it('mutated configs/: 1,500 cases, each refused with one line or run to a complete result', () => {
    fc.assert(fc.property(mutatedConfig, fc.constantFrom(...SPECS), property), { numRuns: 1500, seed: Number(process.env.FUZZ_SEED ?? 8), endOnFailure: true });
  });

  it('generated workloads: 700 cases, each refused with one line or run to a complete result', () => {
    fc.assert(fc.property(genWorkload, fc.constantFrom(...SPECS), property), { numRuns: 700, seed: Number(process.env.FUZZ_SEED ?? 8), endOnFailure: true });
  });

  it('exercised both sides: many refused, many ran', () => {
    expect(stats.refused).toBeGreaterThan(200);
    expect(stats.ran).toBeGreaterThan(200);
  });

  it('a few through the CLI: exit 2 and no report, or exit 0 and a complete results.json', () => {
    const samples = fc.sample(fc.oneof(mutatedConfig, genWorkload), { numRuns: 6, seed: 8 });
    for (const text of samples) {
      const d = mkdtempSync(join(tmpdir(), 'faultline-fuzz-'));
      const f = join(d, 'case.yaml');
      writeFileSync(f, text);
      const out = join(d, 'reports');
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/faultline.js'), 'run', f, '--strategy', 'mapcount-reuse', '--budget', '3', '--jobs', '1', '--out', out, '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
      if (r.status === 2) {
        expect(r.stderr).toMatch(/^faultline: .*case\.yaml:\d+:\d+: [^\n]+\n$/);
        expect(existsSync(out)).toBe(false);
      } else {
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
        expect(res.runs).toHaveLength(1);
      }
    }
  });
});
