import chalk, { Chalk, type ChalkInstance } from 'chalk';
import type { ResultsFile, RunResult } from '../results.js';
import { cellKey, groupByFamily, plural, runIndex, skipText, strategiesOf, totals, uniqueInOrder, violatedIds, workloadsOf } from './common.js';

export interface SummaryOptions {
  color: boolean;
  /** Terminal columns to fit. Default 120. */
  width?: number;
  /** Names of kernel timelines (configs/kernels.yaml), drawn apart from the candidate fixes. */
  kernels?: ReadonlySet<string>;
}

/** Three letters keep a cell with two or three violations narrower than most strategy names. */
export const INVARIANT_ABBREV: Readonly<Record<string, string>> = {
  'lost-dio-read': 'LDR',
  'cross-process-leak': 'XPL',
  'pin-incoherent': 'PIN',
  'kernel-bug': 'BUG',
  deadlock: 'DL',
  livelock: 'LL',
  'spurious-sigbus': 'SIG',
  'unexpected-error': 'ERR',
  'missed-wp-fault': 'MWP',
  'missed-userfault': 'MUF',
  'mmap-lock-held-in-userfault': 'MLH',
  'user-memory-corruption': 'UMC',
  'stale-enable-bit': 'SEB',
};

/**
 * A crashed run. Not `ERR`: that already abbreviates the unexpected-error invariant, and a crash of
 * the model or strategy is a different fact from a syscall returning a disallowed errno.
 */
export const ERROR_CELL = 'ERROR';
export const OK_CELL = 'ok';
export const MISMATCH_FLAG = '!';
/** A run its kernel could not make (it lacks a feature the workload needs): not applicable, not a pass. */
export const SKIP_CELL = 'n/a';
const NOT_RUN = '-';
const DEFAULT_WIDTH = 120;
const GAP = 2;
/** Deep workload paths would otherwise eat the strategy columns. */
const MAX_LABEL = 48;

function initials(id: string): string {
  const parts = id.split(/[-_.\s]+/).filter((p) => p.length > 0);
  const raw = parts.length > 1 ? parts.map((p) => p[0]).join('') : id.slice(0, 3);
  return raw.toUpperCase().slice(0, 4) || '?';
}

/**
 * Abbreviations for the invariants in this table. Ids outside the known table (a family may add
 * invariants) get their initials, numbered if that would collide, so no two ids read the same.
 */
export function abbreviations(ids: Iterable<string>): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set(Object.values(INVARIANT_ABBREV));
  taken.add(ERROR_CELL);
  taken.add(OK_CELL.toUpperCase());
  for (const id of ids) {
    if (out.has(id)) continue;
    const known = INVARIANT_ABBREV[id];
    if (known !== undefined) {
      out.set(id, known);
      continue;
    }
    const base = initials(id);
    let a = base;
    for (let i = 2; taken.has(a); i++) a = `${base}${i}`;
    taken.add(a);
    out.set(id, a);
  }
  return out;
}

type Kind = 'ok' | 'xfail' | 'fail' | 'error' | 'skip' | 'none';

interface Cell {
  text: string;
  kind: Kind;
  mismatch: boolean;
}

function cellFor(r: RunResult | undefined, abbrev: ReadonlyMap<string, string>): Cell {
  if (r === undefined) return { text: NOT_RUN, kind: 'none', mismatch: false };
  const mismatch = r.matchesExpected === false;
  if (r.verdict === 'error') return { text: ERROR_CELL, kind: 'error', mismatch };
  if (r.verdict === 'skip') return { text: SKIP_CELL, kind: 'skip', mismatch };
  const ids = violatedIds(r);
  if (r.verdict === 'pass' && ids.length === 0) return { text: OK_CELL, kind: 'ok', mismatch };
  const text = ids.length > 0 ? ids.map((id) => abbrev.get(id)!).join(',') : 'FAIL';
  // kselftest's XFAIL: the failure the workload was written to show is a finding, not an alarm.
  return { text, kind: r.matchesExpected === true ? 'xfail' : 'fail', mismatch };
}

function cellWidth(c: Cell): number {
  return c.text.length + (c.mismatch ? MISMATCH_FLAG.length : 0);
}

function paint(c: Cell, width: number, ch: ChalkInstance): string {
  const color = { ok: ch.green, xfail: ch.cyan, fail: ch.red, error: ch.yellow, skip: ch.gray, none: ch.dim }[c.kind];
  const flag = c.mismatch ? ch.bold.yellow(MISMATCH_FLAG) : '';
  // Pad on the plain text: escape codes have no width on screen.
  return color(c.text) + flag + ' '.repeat(Math.max(0, width - cellWidth(c)));
}

/** Keeps both ends of a long id: the family and the specific case are what tell rows apart. */
function shorten(s: string, max: number): string {
  if (s.length <= max) return s;
  const head = Math.ceil((max - 1) / 2);
  return `${s.slice(0, head)}…${s.slice(s.length - (max - 1 - head))}`;
}

/** Word-wraps `entries` after a prefix, continuation lines aligned under the first entry. */
export function wrapEntries(prefix: string, entries: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let cur = prefix;
  const indent = ' '.repeat(prefix.length);
  for (const e of entries) {
    const sep = cur === prefix || cur === indent ? '' : '  ';
    if (cur.length + sep.length + e.length > width && cur !== prefix && cur !== indent) {
      lines.push(cur);
      cur = indent + e;
    } else {
      cur += sep + e;
    }
  }
  lines.push(cur);
  return lines;
}

/**
 * A strategy name as header lines no wider than `width` where it can break after a `-` or `+`
 * (`mapcount-` / `reuse`): strategy names are long and cells are short.
 */
export function headerLines(name: string, width: number): string[] {
  const parts = name.match(/[^-+]+[-+]?|[-+]/g) ?? [name];
  const lines: string[] = [];
  let cur = '';
  for (const p of parts) {
    if (cur !== '' && cur.length + p.length > width) {
      lines.push(cur);
      cur = '';
    }
    cur += p;
  }
  lines.push(cur);
  return lines;
}

/** The widest unbreakable piece of a name. */
function minHeaderWidth(name: string): number {
  return Math.max(...(name.match(/[^-+]+[-+]?|[-+]/g) ?? [name]).map((p) => p.length));
}

interface Column {
  name: string;
  cells: Cell[];
  width: number;
  kernel: boolean;
  /** First column of the kernels group after candidates: a bar before it. */
  kernelStart: boolean;
}

const BAR = '|';

function chalkFor(color: boolean): ChalkInstance {
  // `color: true` is a decision already made (e.g. --color), so it must not depend on stdout being a TTY.
  return new Chalk({ level: color ? Math.max(1, chalk.level) as 1 | 2 | 3 : 0 });
}

function lineWidth(labelWidth: number, cols: readonly Column[]): number {
  return labelWidth + cols.reduce((n, c) => n + GAP + (c.kernelStart ? BAR.length + GAP : 0) + c.width, 0);
}

/** The narrowest width at which a name's header takes at most `lines` lines. */
function widthFor(name: string, lines: number): number {
  for (let w = minHeaderWidth(name); w < name.length; w++) if (headerLines(name, w).length <= lines) return w;
  return name.length;
}

/**
 * Spend the spare width on headers: first whole names, cheapest first, then two-line ones, so as
 * many names as possible read unbroken and none is a tower of fragments.
 */
function widenHeaders(labelWidth: number, cols: Column[], width: number): void {
  for (const lines of [1, 2]) {
    const want = cols.map((c) => ({ c, w: Math.max(c.width, widthFor(c.name, lines)) })).sort((a, b) => a.w - a.c.width - (b.w - b.c.width));
    for (const { c, w } of want) {
      const before = c.width;
      c.width = w;
      if (lineWidth(labelWidth, cols) > width) c.width = before;
    }
  }
}

/** Columns split into groups that each fit the width: the fallback when wrapped headers are not enough. */
function chunk(labelWidth: number, cols: readonly Column[], width: number): Column[][] {
  const chunks: Column[][] = [];
  let cur: Column[] = [];
  for (const c of cols) {
    if (cur.length > 0 && lineWidth(labelWidth, [...cur, c]) > width) {
      chunks.push(cur);
      cur = [];
    }
    cur.push(c);
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks;
}

function renderTable(workloads: readonly string[], labelWidth: number, cols: readonly Column[], ch: ChalkInstance): string[] {
  const sep = ' '.repeat(GAP);
  const bar = (c: Column, s: string) => (c.kernelStart ? `${s}${sep}` : '');
  const heads = cols.map((c) => headerLines(c.name, c.width));
  const depth = Math.max(...heads.map((h) => h.length));
  const out: string[] = [];
  // The group names over their columns: candidate fixes on the left, named kernels right of the bar.
  {
    let line = ' '.repeat(labelWidth);
    let kernelAt = cols[0]!.kernel ? labelWidth + GAP : -1;
    for (const c of cols) {
      if (c.kernelStart) kernelAt = line.length + GAP;
      line += sep + bar(c, ' ') + ' '.repeat(c.width);
    }
    const label = [...line.padEnd(line.length + 20)];
    const put = (at: number, text: string) => [...text].forEach((x, i) => (label[at + i] = x));
    if (!cols[0]!.kernel) {
      const room = kernelAt >= 0 ? kernelAt - 1 - (labelWidth + GAP) : Infinity;
      put(labelWidth + GAP, ['candidate fixes', 'candidates', 'fixes'].find((t) => t.length <= room) ?? 'fixes');
    }
    if (kernelAt >= 0) put(kernelAt, cols[0]!.kernel && kernelAt === labelWidth + GAP ? 'kernels' : `${BAR}${sep}kernels`);
    out.push(ch.dim(label.join('').trimEnd()));
  }
  // Headers bottom-aligned, so every name's last line sits on the rule.
  for (let i = 0; i < depth; i++) {
    const first = i === depth - 1 ? 'workload'.padEnd(labelWidth) : ' '.repeat(labelWidth);
    out.push(ch.bold([first, ...cols.map((c, j) => bar(c, BAR) + (heads[j]![i - (depth - heads[j]!.length)] ?? '').padEnd(c.width))].join(sep).trimEnd()));
  }
  out.push(['-'.repeat(labelWidth), ...cols.map((c) => bar(c, BAR) + '-'.repeat(c.width))].join(sep));
  workloads.forEach((w, r) => {
    out.push([shorten(w, labelWidth).padEnd(labelWidth), ...cols.map((c) => bar(c, BAR) + paint(c.cells[r]!, c.width, ch))].join(sep).trimEnd());
  });
  return out;
}

function legendEntries(cells: readonly Cell[], abbrev: ReadonlyMap<string, string>): string[] {
  const kinds = new Set(cells.map((c) => c.kind));
  const entries = [`${OK_CELL}=pass`];
  for (const [id, a] of abbrev) entries.push(`${a}=${id}`);
  if (kinds.has('error')) entries.push(`${ERROR_CELL}=run crashed`);
  if (kinds.has('skip')) entries.push(`${SKIP_CELL}=skipped: the kernel lacks a feature the workload needs`);
  if (kinds.has('none')) entries.push(`${NOT_RUN}=not run`);
  entries.push(`${MISMATCH_FLAG}=differs from expect`);
  return entries;
}

/** The totals, the mismatch count on a line of its own where one line would pass `width`. */
function totalsLine(results: ResultsFile, ch: ChalkInstance, width: number): string {
  const t = totals(results);
  const xfail = t.xfail;
  const mism = `${t.mismatches} differ from expect`;
  const fail = `${t.fail} fail${xfail > 0 ? ` (${xfail} expected)` : ''}`;
  const counts = (c: ChalkInstance) =>
    `${plural(t.runs, 'run')}: ${c.green(`${t.pass} ok`)}, ${t.fail > xfail ? c.red(fail) : c.cyan(fail)}, ${t.error > 0 ? c.yellow(`${t.error} error`) : `${t.error} error`}${t.skip > 0 ? `, ${c.gray(`${t.skip} skipped`)}` : ''}`;
  const fits = `${counts(chalkFor(false))} · ${mism}`.length <= width;
  return [counts(ch), t.mismatches > 0 ? ch.bold.yellow(mism) : mism].join(fits ? ' · ' : '\n  · ');
}

/** A kernel timeline's name (v5.19): the caller knows them; without it, the name says so. */
const KERNEL_NAME = /^v\d+(\.\d+)+/;

/**
 * The table `faultline run` prints: per family, its workloads × the strategies run on them, the
 * candidate fixes left of a bar and the named kernels right of it, one short cell each.
 */
export function renderSummary(results: ResultsFile, opts: SummaryOptions): string {
  const ch = chalkFor(opts.color);
  const width = opts.width ?? DEFAULT_WIDTH;
  const runs = results.runs;
  if (runs.length === 0) return `no runs\n${totalsLine(results, ch, width)}`;
  const isKernel = (s: string) => (opts.kernels ? opts.kernels.has(s) : KERNEL_NAME.test(s));
  const abbrev = abbreviations(uniqueInOrder(runs.flatMap(violatedIds)));
  const index = runIndex(runs);
  const families = groupByFamily(runs);
  const out: string[] = [];
  const allCells: Cell[] = [];
  for (const [family, fr] of families) {
    const workloads = workloadsOf(fr);
    const names = strategiesOf(fr);
    const ordered = [...names.filter((s) => !isKernel(s)), ...names.filter(isKernel)];
    const labelWidth = Math.min(MAX_LABEL, Math.max('workload'.length, ...workloads.map((w) => w.length)));
    const cols: Column[] = ordered.map((name, i) => {
      const cells = workloads.map((w) => cellFor(index.get(cellKey(w, name)), abbrev));
      allCells.push(...cells);
      const cellMax = Math.max(...cells.map(cellWidth));
      return { name, cells, width: Math.max(cellMax, 2), kernel: isKernel(name), kernelStart: i > 0 && isKernel(name) && !isKernel(ordered[i - 1]!) };
    });
    for (const c of cols) c.width = Math.max(c.width, minHeaderWidth(c.name));
    if (out.length > 0) out.push('');
    out.push(ch.bold(`${family}: ${plural(workloads.length, 'workload')}`));
    // Too wide for one table: candidates and kernels apart first, then each split as it must be.
    const groups = lineWidth(labelWidth, cols) <= width ? [cols] : [cols.filter((c) => !c.kernel), cols.filter((c) => c.kernel).map((c) => ({ ...c, kernelStart: false }))].filter((g) => g.length > 0);
    groups.flatMap((g) => chunk(labelWidth, g, width)).forEach((part, i) => {
      widenHeaders(labelWidth, part, width);
      if (i > 0) out.push('');
      out.push(...renderTable(workloads, labelWidth, part, ch));
    });
  }
  out.push('', ...wrapEntries('legend: ', legendEntries(allCells, abbrev), width), ...skipLines(runs, width), totalsLine(results, ch, width));
  return out.join('\n');
}

/** Why the n/a cells are n/a: each reason once, with how many runs it skipped. */
function skipLines(runs: readonly RunResult[], width: number): string[] {
  const count = new Map<string, number>();
  for (const r of runs) if (r.verdict === 'skip') count.set(skipText(r), (count.get(skipText(r)) ?? 0) + 1);
  if (count.size === 0) return [];
  return wrapEntries(`${SKIP_CELL} (kernel lacks): `, [...count].map(([why, n]) => `${why} (${plural(n, 'run')});`), width);
}
