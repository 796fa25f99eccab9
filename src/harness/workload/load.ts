import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isPair, isScalar, isSeq, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { describeIssue } from './describeIssue.js';
import { OPS } from '../ops/index.js';
import type { HandleKind, OpRefs } from '../ops/OpDef.js';
import { INVARIANT_IDS, isInvariant } from '../oracle/invariants.js';
import { ScaleSchema, WorkloadSchema } from './schema.js';
import { firstPlaceholder, pointId, splitPointId, substitute, type SeriesPoint } from './scale.js';
import { DEFAULT_TIMING } from '../../core/Kernel.js';
import { SKIP, UNBOUNDED, type OpNode, type ProcessDecl, type SourcePos, type VmaDecl, type Workload } from './types.js';
import type { FeatureNeed } from '../features.js';
import { COST_NAMES } from '../../core/stats.js';
import { parsePrediction, type CostClaim } from '../cost/claims.js';
import { WorkloadError, didYouMean } from './WorkloadError.js';
import { opLabel } from './opLabel.js';

/** What the loader needs to know about strategies to check `expect:` keys. */
export interface Catalog {
  /** null if `name` names a strategy, composition or kernel; else why not. */
  checkStrategy(name: string): string | null;
  families(): string[];
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export const ERRNOS = ['EFAULT', 'ENOMEM', 'EINTR', 'EINVAL', 'EAGAIN', 'EBUSY', 'EEXIST', 'EADDRINUSE', 'ENOENT', 'ESRCH', 'EBADF', 'EIO', 'SIGBUS', 'SIGSEGV', 'SIGKILL', 'OOM'];

type Path = (string | number)[];

class Positions {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lc: LineCounter,
  ) {}

  at(offset: number): SourcePos {
    const p = this.lc.linePos(offset);
    return { file: this.file, line: p.line, col: p.col };
  }

  /** The node at `path` (or, with `key`, that key inside it); falls back to the nearest ancestor. */
  of(path: Path, key?: string): SourcePos {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (node && typeof node === 'object' && 'range' in node && node.range) {
        if (key !== undefined && n === path.length && isMap(node)) {
          for (const it of node.items) {
            if (isPair(it) && isScalar(it.key) && String(it.key.value) === key && it.key.range) return this.at(it.key.range[0]);
          }
        }
        // For a map entry, point at its key rather than its value when the value is the problem.
        if (n === path.length && n > 0) {
          const parent = this.doc.getIn(path.slice(0, n - 1), true) as Node | undefined;
          if (parent && isMap(parent)) {
            for (const it of parent.items) {
              if (isPair(it) && isScalar(it.key) && String(it.key.value) === String(path[n - 1]) && it.value === node) {
                return this.at((node as { range: [number, number, number] }).range[0]);
              }
            }
          }
        }
        return this.at(node.range[0]);
      }
    }
    return { file: this.file, line: 1, col: 1 };
  }
}

/**
 * The issue that comes first in the file (zod reports in schema order), with its position: a key
 * that is not allowed is pointed at itself, anything else at its value.
 */
function firstIssue(issues: z.core.$ZodIssue[], base: Path | null, pos: Positions, fallback?: SourcePos): { issue: z.core.$ZodIssue; at: SourcePos } {
  let best: { issue: z.core.$ZodIssue; at: SourcePos } | null = null;
  for (const issue of issues) {
    const p = issue.path as Path;
    let at: SourcePos;
    if (base === null) at = fallback!;
    else if (issue.code === 'unrecognized_keys') at = pos.of([...base, ...p], String(issue.keys[0]));
    else if (issue.code === 'invalid_key') at = pos.of([...base, ...p.slice(0, -1)], String(p[p.length - 1]));
    else at = pos.of([...base, ...p]);
    // A misspelt key explains the missing one it was meant to be: report it first.
    const rank = (i: z.core.$ZodIssue) => (i.code === 'unrecognized_keys' ? 0 : 1);
    if (best !== null && rank(issue) !== rank(best.issue)) {
      if (rank(issue) < rank(best.issue)) best = { issue, at };
      continue;
    }
    if (best === null || at.line < best.at.line || (at.line === best.at.line && at.col < best.at.col)) best = { issue, at };
  }
  return best!;
}

/** Keys anywhere in the document that would poison an object prototype. */
function forbiddenKeys(node: unknown, pos: Positions, path: Path): void {
  if (isMap(node)) {
    for (const it of node.items) {
      if (isPair(it) && isScalar(it.key)) {
        const k = String(it.key.value);
        if (FORBIDDEN_KEYS.has(k)) throw new WorkloadError(it.key.range ? pos.at(it.key.range[0]) : pos.of(path), `the key ${k} is not allowed (reserved: ${[...FORBIDDEN_KEYS].join(', ')})`);
        forbiddenKeys(it.value, pos, [...path, k]);
      }
    }
  } else if (isSeq(node)) node.items.forEach((it, i) => forbiddenKeys(it, pos, [...path, i]));
}

/**
 * One workload: the file's, or for a file with `scale:` the point its id names (`id@param=value`;
 * the bare id gives the series' first point).
 */
export function loadWorkloadFile(file: string, id: string, catalog: Catalog): Workload {
  const point = splitPointId(id);
  const all = loadWorkloadSeries(file, point?.base ?? id, catalog);
  if (point === null) return all[0]!;
  const w = all.find((x) => x.id === id);
  if (w === undefined) {
    const have = all.map((x) => x.id);
    throw new WorkloadError({ file, line: 1, col: 1 }, `no point ${id} in this file (${have.length > 1 || all[0]!.series ? `points: ${have.join(', ')}` : 'it has no scale:'})`);
  }
  return w;
}

/** Every workload a file describes: one, or one per value of its `scale:` parameter. */
export function loadWorkloadSeries(file: string, id: string, catalog: Catalog): Workload[] {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new WorkloadError({ file, line: 1, col: 1 }, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  if (buf.includes(0)) throw new WorkloadError({ file, line: 1, col: 1 }, 'binary file (a workload is YAML text)');
  return parseWorkloadSeries(buf.toString('utf8'), file, id, catalog);
}

export function parseWorkload(text: string, file: string, id: string, catalog: Catalog): Workload {
  return parseWorkloadSeries(text, file, id, catalog)[0]!;
}

export function parseWorkloadSeries(text: string, file: string, id: string, catalog: Catalog): Workload[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true });
  const pos = new Positions(file, doc, lc);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const what = e.code === 'MULTIPLE_DOCS' ? 'a workload file holds one YAML document (remove the second ---)' : e.message.split('\n')[0]!;
    throw new WorkloadError(pos.at(e.pos[0]), `YAML syntax: ${what}`);
  }
  // yaml only warns about tags it does not know (`!foo`); a workload has no use for any.
  if (doc.warnings.length > 0) {
    const w = doc.warnings[0]!;
    throw new WorkloadError(pos.at(w.pos[0]), `YAML: ${w.message.split('\n')[0]} (a workload uses plain YAML: no tags)`);
  }
  if (doc.contents === null) throw new WorkloadError({ file, line: 1, col: 1 }, 'empty workload (expected a map with title and processes)');
  forbiddenKeys(doc.contents, pos, []);
  const scaleNode = isMap(doc.contents) ? doc.contents.get('scale', true) : undefined;
  const scaleRaw = scaleNode === undefined ? undefined : isScalar(scaleNode) ? scaleNode.value : (scaleNode as { toJSON(): unknown }).toJSON();
  if (scaleRaw === undefined) {
    const ph = firstPlaceholder(doc);
    if (ph !== null) throw new WorkloadError(pos.at(ph.offset), `${ph.text}: a \${...} placeholder needs a scale: section that names its parameter (e.g. scale: { pages: [1, 2, 4, 8, 16] })`);
    return [buildWorkload(doc, pos, file, id, catalog, null)];
  }
  const sc = ScaleSchema.safeParse(scaleRaw);
  if (!sc.success) {
    const { issue, at } = firstIssue(sc.error.issues, ['scale'], pos);
    throw new WorkloadError(at, `scale${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${describeIssue(issue, scaleRaw, ScaleSchema).msg}`);
  }
  const [param, values] = Object.entries(sc.data)[0]!;
  return values.map((value) => {
    const d = doc.clone();
    substitute(d, new Map([[param, value]]), (o) => pos.at(o), ` (with ${param}=${value})`);
    return buildWorkload(d, pos, file, pointId(id, param, value), catalog, { id, param, value });
  });
}

function buildWorkload(doc: Document, pos: Positions, file: string, id: string, catalog: Catalog, series: SeriesPoint | null): Workload {
  const seriesNote = series === null ? '' : ` (with ${series.param}=${series.value})`;
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    // yaml refuses to expand more aliases than this ("billion laughs"); point at the first one.
    let first: SourcePos = { file, line: 1, col: 1 };
    visit(doc, { Alias: (_k, n) => { if (n.range) first = pos.at(n.range[0]); return visit.BREAK; } });
    const what = /alias/i.test((e as Error).message) ? 'too many aliases expand here (at most 50 alias expansions per file)' : (e as Error).message;
    throw new WorkloadError(first, `YAML: ${what}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new WorkloadError(pos.of([]), 'a workload is a map with title and processes');
  const parsed = WorkloadSchema.safeParse(raw);
  if (!parsed.success) {
    const { issue, at } = firstIssue(parsed.error.issues, [], pos);
    const d = describeIssue(issue, raw, WorkloadSchema);
    const where = issue.path.length ? issue.path.join('.') : 'top level';
    throw new WorkloadError(at, `${where}${seriesNote}: ${d.msg}`);
  }
  const f = parsed.data;

  // Processes and their ops.
  const processes: ProcessDecl[] = [];
  const forkedBy = new Map<string, string>();
  const refsOf = new Map<OpNode, OpRefs>();
  // What the workload wrote for each op, for its trace label (set once the mappings' sizes are known).
  const rawOf = new Map<OpNode, unknown>();
  for (const [pname, p] of Object.entries(f.processes)) {
    const vmas: VmaDecl[] = Object.entries(p.vmas ?? {}).map(([n, v]) => ({ name: n, type: v.type, pages: v.pages, prot: v.prot, ...(v.file !== undefined ? { file: v.file } : {}) }));
    const threads = Object.entries(p.threads ?? {}).map(([tname, ops]) => ({
      name: tname,
      ops: ops.map((op, i) => {
        const node = parseOp(op, ['processes', pname, 'threads', tname, i], `${pname}.${tname}#${i}`, pos);
        refsOf.set(node, OPS.get(node.op)!.refs(node.args));
        rawOf.set(node, typeof op === 'object' && op !== null ? (op as Record<string, unknown>)[node.op] : undefined);
        return node;
      }),
    }));
    processes.push({ name: pname, vmas, threads, forkedBy: null });
  }
  // A workload in which no thread does anything explores one empty execution and passes on every
  // kernel: a pass that tested nothing.
  if (!processes.some((p) => p.threads.some((th) => th.ops.length > 0))) {
    throw new WorkloadError(pos.of(['processes']), 'processes: no thread has an op, so nothing would be tested (declare threads: { NAME: [op, ...] } under a process)');
  }
  const byName = new Map(processes.map((p) => [p.name, p]));

  // fork targets: each process forked at most once, by another declared process.
  for (const p of processes) {
    for (const th of p.threads) {
      for (const node of th.ops) {
        const child = refsOf.get(node)!.forks;
        if (child === undefined) continue;
        const c = byName.get(child);
        if (!c) throw new WorkloadError(node.pos, `fork: no process ${child} is declared${didYouMean(child, byName.keys())} (processes: ${[...byName.keys()].join(', ')})`);
        if (c === p) throw new WorkloadError(node.pos, `fork: ${child} cannot fork itself (fork names another process declared under processes:)`);
        if (forkedBy.has(child)) throw new WorkloadError(node.pos, `fork: ${child} is already forked by ${forkedBy.get(child)} (a process starts once)`);
        if (c.vmas.length) throw new WorkloadError(pos.of(['processes', child, 'vmas']), `${child} is forked, so it inherits its mappings from ${p.name}; it cannot declare vmas`);
        forkedBy.set(child, p.name);
        c.forkedBy = p.name;
      }
    }
  }
  if (processes.length > 0 && processes.every((p) => p.forkedBy !== null)) throw new WorkloadError(pos.of(['processes']), 'every process is forked by another: none starts at boot');

  // Mappings each process can name (its own, mmap'ed ones, and for a child its parent's), and handles.
  const mappings = (p: ProcessDecl, seen = new Set<string>()): Map<string, number> => {
    if (seen.has(p.name)) return new Map();
    seen.add(p.name);
    const m = p.forkedBy ? mappings(byName.get(p.forkedBy)!, seen) : new Map<string, number>();
    for (const v of p.vmas) m.set(v.name, v.pages);
    for (const th of p.threads) for (const node of th.ops) {
      const r = refsOf.get(node)!;
      if (r.maps) m.set(r.maps.name, r.maps.pages);
    }
    return m;
  };
  // Declared mappings (a process's own and, for a child, its ancestors') exist from the start; one
  // made by `mmap` exists only once that op has run, so only the ops after it in its thread may
  // name it (any other op would race with the mmap, and Execution has no address to give it).
  const declared = (p: ProcessDecl): Set<string> => {
    const d = p.forkedBy ? declared(byName.get(p.forkedBy)!) : new Set<string>();
    for (const v of p.vmas) d.add(v.name);
    return d;
  };
  // The kernel features the ops need, from their arguments and the types of the mappings they name.
  const types = (p: ProcessDecl, seen = new Set<string>()): Map<string, 'anon' | 'shmem'> => {
    if (seen.has(p.name)) return new Map();
    seen.add(p.name);
    const m = p.forkedBy ? types(byName.get(p.forkedBy)!, seen) : new Map<string, 'anon' | 'shmem'>();
    for (const v of p.vmas) m.set(v.name, v.type);
    for (const th of p.threads) for (const node of th.ops) {
      const r = refsOf.get(node)!;
      if (r.maps) m.set(r.maps.name, r.maps.type);
    }
    return m;
  };
  const needs: FeatureNeed[] = [];
  const needed = new Set<string>();
  for (const p of processes) {
    const tm = types(p);
    const env = { vmaType: (n: string) => tm.get(n) ?? null };
    for (const th of p.threads) for (const node of th.ops) {
      for (const n of OPS.get(node.op)!.needs?.(node.args, env) ?? []) {
        if (needed.has(n.feature)) continue;
        needed.add(n.feature);
        needs.push({ ...n, op: node.op, pos: node.pos });
      }
    }
  }
  // A workload-level need: swap on zram (`swap: { device: zram }`).
  if (f.swap?.device === 'zram') needs.push({ feature: 'zram', why: 'swap on a zram device', op: 'swap', pos: pos.of(['swap', 'device']) });
  // Handles a forked child inherits: the file descriptors (a userfaultfd, a user_events data fd
  // with its registrations) that its parent's forking thread had made before the fork, and what the
  // parent had inherited itself. Pins, O_DIRECT requests and pipes filled by vmsplice stay the
  // parent's. Handles made by the parent's other threads race with the fork and are not inherited.
  const INHERITED_KINDS: ReadonlySet<HandleKind> = new Set(['uffd', 'user_event']);
  const inherited = (p: ProcessDecl): Map<string, HandleKind> => {
    const out = new Map<string, HandleKind>();
    if (p.forkedBy === null) return out;
    const parent = byName.get(p.forkedBy)!;
    for (const [h, kd] of inherited(parent)) out.set(h, kd);
    for (const th of parent.threads) {
      const i = th.ops.findIndex((node) => refsOf.get(node)!.forks === p.name);
      if (i < 0) continue;
      for (const node of th.ops.slice(0, i)) {
        const d = refsOf.get(node)!.defines;
        if (d && INHERITED_KINDS.has(d.kind)) out.set(d.handle, d.kind);
      }
    }
    return out;
  };
  const pageSize = f.page_size;
  const posted = new Set<string>();
  const awaited: OpNode[] = [];
  for (const p of processes) {
    const maps = mappings(p);
    const handles = inherited(p);
    const fromParent = new Set(handles.keys());
    for (const th of p.threads) for (const node of th.ops) {
      const d = refsOf.get(node)!.defines;
      if (d) {
        if (fromParent.has(d.handle)) throw new WorkloadError(node.pos, `${node.op}: ${p.name} inherits the handle ${d.handle} from ${p.forkedBy} at fork (each as: names a new handle)`);
        if (handles.has(d.handle)) throw new WorkloadError(node.pos, `${node.op}: the handle ${d.handle} is already defined in ${p.name} (each as: names a new handle)`);
        handles.set(d.handle, d.kind);
      }
    }
    const fixed = declared(p);
    for (const th of p.threads) {
      const mine = new Set<string>();
      for (const node of th.ops) {
        const r = refsOf.get(node)!;
        if (r.vma) {
          const pages = maps.get(r.vma.name);
          if (pages === undefined) throw new WorkloadError(node.pos, `${node.op}: ${p.name} has no mapping ${r.vma.name}${didYouMean(r.vma.name, maps.keys())} (mappings: ${[...maps.keys()].join(', ') || 'none'})`);
          if (!fixed.has(r.vma.name) && !mine.has(r.vma.name)) {
            throw new WorkloadError(node.pos, `${node.op}: ${r.vma.name} is made by an mmap that does not come before this op in ${p.name}.${th.name} (a mapping from mmap can be used by the ops after it in its thread)`);
          }
          const size = pages * pageSize;
          if (r.vma.off >= size) throw new WorkloadError(node.pos, `${node.op}: off ${r.vma.off} is beyond ${r.vma.name} (${size} bytes: off 0..${size - 1})`);
          if (r.vma.len !== undefined && r.vma.off + r.vma.len > size) throw new WorkloadError(node.pos, `${node.op}: off ${r.vma.off} + len ${r.vma.len} runs past the end of ${r.vma.name} (${size} bytes: off + len at most ${size})`);
        }
        for (const u of r.uses ?? []) {
          const kind = handles.get(u.handle);
          if (kind === undefined) throw new WorkloadError(node.pos, `${node.op}: no ${u.kind} handle ${u.handle} in ${p.name}${didYouMean(u.handle, handles.keys())} (${u.kind} handles in ${p.name}: ${[...handles].filter(([, kd]) => kd === u.kind).map(([h]) => h).join(', ') || 'none'})`);
          if (kind !== u.kind) throw new WorkloadError(node.pos, `${node.op}: ${u.handle} is a ${kind} handle, not a ${u.kind} one`);
        }
        node.label = labelOf(node, rawOf.get(node), (owner, vma) => {
          const pages = (owner === null ? maps : byName.has(owner) ? mappings(byName.get(owner)!) : new Map<string, number>()).get(vma);
          return pages === undefined ? undefined : pages * pageSize;
        });
        if (r.waitsFor !== undefined && !byName.has(r.waitsFor)) throw new WorkloadError(node.pos, `waitpid: no process ${r.waitsFor}${didYouMean(r.waitsFor, byName.keys())} (processes: ${[...byName.keys()].join(', ')})`);
        if (r.posts !== undefined) posted.add(r.posts);
        if (r.awaits !== undefined) awaited.push(node);
        if (r.maps) mine.add(r.maps.name);
      }
    }
  }
  for (const node of awaited) {
    const e = refsOf.get(node)!.awaits!;
    if (!posted.has(e)) throw new WorkloadError(node.pos, `await: no thread posts ${e}${didYouMean(e, posted)} (posted events: ${[...posted].join(', ') || 'none'})`);
  }

  // expect: strategy names and invariant ids.
  const expectPos: Record<string, SourcePos> = {};
  if (f.expect) {
    for (const [sname, invs] of Object.entries(f.expect)) {
      const kpos = pos.of(['expect'], sname);
      expectPos[sname] = kpos;
      if (sname !== 'default') {
        const why = catalog.checkStrategy(sname);
        if (why !== null) throw new WorkloadError(kpos, `expect: ${why}`);
      }
      if (invs === 'skip') continue;
      invs.forEach((inv, i) => {
        if (inv === 'skip') throw new WorkloadError(pos.of(['expect', sname, i]), `expect: a skipped run violates nothing: write \`${sname}: skip\` instead of a list`);
        if (!isInvariant(inv)) throw new WorkloadError(pos.of(['expect', sname, i]), `expect: unknown invariant ${inv}${didYouMean(inv, INVARIANT_IDS)} (see faultline list invariants)`);
      });
    }
  }

  let claim: CostClaim | undefined;
  if (f.cost !== undefined) {
    const c = f.cost;
    if (!(COST_NAMES as readonly string[]).includes(c.metric)) {
      throw new WorkloadError(pos.of(['cost', 'metric']), `cost.metric: unknown metric ${c.metric}${didYouMean(c.metric, COST_NAMES)} (metrics: ${COST_NAMES.join(', ')})`);
    }
    const expect: Record<string, string[]> = {};
    for (const [sname, v] of Object.entries(c.expect)) {
      const kpos = pos.of(['cost', 'expect'], sname);
      const why = catalog.checkStrategy(sname);
      if (why !== null) throw new WorkloadError(kpos, `cost.expect: ${why}`);
      const list = Array.isArray(v) ? v : [v];
      list.forEach((s, i) => {
        const at = pos.of(Array.isArray(v) ? ['cost', 'expect', sname, i] : ['cost', 'expect', sname]);
        const p = parsePrediction(s);
        if (typeof p === 'string') throw new WorkloadError(at, `cost.expect.${sname}: ${p}`);
        if (p.kind === 'compare') {
          const w = catalog.checkStrategy(p.than);
          if (w !== null) throw new WorkloadError(at, `cost.expect.${sname}: ${w}`);
        }
        if (p.kind === 'growth' && series === null) throw new WorkloadError(at, `cost.expect.${sname}: ${s} describes how a figure grows, which needs a scale: series (for one workload: zero, nonzero, livelock, more than S, less than S, same as S)`);
      });
      expect[sname] = list;
    }
    claim = { claim: c.claim, source: c.source, metric: c.metric, expect, aggregate: c.aggregate, ...(c.note !== undefined ? { note: c.note } : {}) };
  }

  const ex: Partial<NonNullable<typeof f.explore>> = f.explore ?? {};
  if (ex.state_cache === true && (ex.mode ?? 'exhaustive') !== 'dfs') {
    throw new WorkloadError(pos.of(['explore', 'state_cache']), `explore.state_cache caches states for plain DFS: it needs mode: dfs (got ${ex.mode ?? 'exhaustive'}; stateful DPOR is not built, docs/performance.md)`);
  }
  if (ex.state_cache === true && claim !== undefined) {
    throw new WorkloadError(pos.of(['explore', 'state_cache']), 'explore.state_cache with cost: a cost claim is judged on every execution\'s cost, and caching skips executions');
  }
  // The family is the innermost folder on the id's path that names one (configs/<family>/x, or
  // my-work/gup-cow/x outside configs/), else the folder the file sits in. A point of a series
  // (x@pages=4) is named after its file.
  const folders = (series?.id ?? id).split('/').slice(0, -1);
  const family = f.family ?? [...folders].reverse().find((d) => catalog.families().includes(d)) ?? folders[folders.length - 1] ?? '';
  if (f.family !== undefined && !catalog.families().includes(f.family)) {
    throw new WorkloadError(pos.of(['family']), `unknown family ${f.family}${didYouMean(f.family, catalog.families())} (families: ${catalog.families().join(', ')})`);
  }
  return {
    id,
    file,
    title: f.title,
    family,
    refs: f.refs,
    pageSize,
    arch: { bits: f.arch?.bits ?? 64, endian: f.arch?.endian ?? 'little' },
    limitPages: f.memory?.limit_pages ?? 1024,
    swapDevice: f.swap?.device ?? 'disk',
    timing: { io: f.timing?.io ?? DEFAULT_TIMING.io, copy: f.timing?.copy ?? DEFAULT_TIMING.copy },
    ...(series !== null ? { series } : {}),
    ...(claim !== undefined ? { claim } : {}),
    processes,
    explore: {
      mode: ex.mode ?? 'exhaustive',
      preemptions: ex.preemptions === 'unbounded' ? UNBOUNDED : (ex.preemptions ?? 2),
      budget: ex.budget ?? 5_000_000,
      depth: ex.depth ?? 3,
      seed: ex.seed ?? 1,
      steps: ex.steps ?? 20_000,
      spurious_wakeups: ex.spurious_wakeups ?? 0,
      state_cache: ex.state_cache ?? false,
    },
    expect: f.expect ? Object.fromEntries(Object.entries(f.expect).map(([k, v]) => [k, v === 'skip' ? [SKIP] : v])) : null,
    expectPos,
    needs,
  };
}

function parseOp(op: unknown, path: Path, label: string, pos: Positions): OpNode {
  const at = pos.of(path);
  let opName: string;
  let rawArgs: unknown;
  if (typeof op === 'string') {
    opName = op;
    rawArgs = {};
  } else {
    const keys = Object.keys(op as object);
    const opKeys = keys.filter((k) => k !== 'allow');
    if (opKeys.length !== 1) throw new WorkloadError(at, `an op is a map with exactly one op name (and optionally allow:), got ${opKeys.length ? opKeys.join(', ') : 'none'}`);
    opName = opKeys[0]!;
    rawArgs = (op as Record<string, unknown>)[opName];
  }
  const def = OPS.get(opName);
  if (!def) throw new WorkloadError(typeof op === 'string' ? at : pos.of(path, opName), `unknown op ${opName}${didYouMean(opName, OPS.keys())} (ops: ${[...OPS.keys()].join(', ')})`);
  let allow: string[] = [];
  if (typeof op === 'object' && op !== null && 'allow' in op) {
    const a = (op as Record<string, unknown>).allow;
    if (!Array.isArray(a) || !a.every((x) => typeof x === 'string')) throw new WorkloadError(pos.of([...path, 'allow']), `allow: a list of errno or signal names (${ERRNOS.join(', ')})`);
    a.forEach((x, i) => {
      if (!ERRNOS.includes(x)) throw new WorkloadError(pos.of([...path, 'allow', i]), `allow: unknown error ${x}${didYouMean(x, ERRNOS)} (allowed: ${ERRNOS.join(', ')})`);
    });
    allow = a as string[];
  }
  const r = def.args.safeParse(rawArgs ?? {});
  if (!r.success) {
    const { issue, at: where0 } = firstIssue(r.error.issues, typeof op === 'string' ? null : [...path, opName], pos, at);
    const d = describeIssue(issue, rawArgs ?? {}, def.args);
    const where = issue.path.length ? `${opName}.${issue.path.join('.')}` : opName;
    throw new WorkloadError(where0, `${where}: ${d.msg}`);
  }
  return { op: opName, args: r.data, allow, pos: at, label: opLabel(opName, rawArgs, hasLength(opName), undefined) };
  void label;
}

/** Whether the op takes a `len:` (acts on a range) rather than one address. */
function hasLength(op: string): boolean {
  const args = OPS.get(op)?.args as { shape?: Record<string, unknown> } | undefined;
  return args?.shape !== undefined && 'len' in args.shape;
}

/**
 * The op's trace label with its range resolved to bytes of the mapping it names: the process's own,
 * or for an op that reads another process (`target:`), that one's.
 */
function labelOf(node: OpNode, raw: unknown, mappingBytes: (process: string | null, vma: string) => number | undefined): string {
  const a = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const owner = typeof a.target === 'string' ? a.target : null;
  const size = typeof a.at === 'string' ? mappingBytes(owner, a.at) : undefined;
  return opLabel(node.op, raw, hasLength(node.op), size);
}

