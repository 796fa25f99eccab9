import chalk, { Chalk, type ChalkInstance } from 'chalk';
import type { ResultsFile, RunResult } from '../results.js';
import { cellKey, plural, runIndex, skipText, strategiesOf, totals, uniqueInOrder, violatedIds, workloadsOf } from './common.js';

export interface SummaryOptions {
  color: boolean;
  /** Terminal columns to fit. Default 120. */
  width?: number;
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

type Kind = 'ok' | 'fail' | 'error' | 'skip' | 'none';

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
  return { text, kind: 'fail', mismatch };
}

function cellWidth(c: Cell): number {
  return c.text.length + (c.mismatch ? MISMATCH_FLAG.length : 0);
}

function paint(c: Cell, width: number, ch: ChalkInstance): string {
  const color = { ok: ch.green, fail: ch.red, error: ch.yellow, skip: ch.gray, none: ch.dim }[c.kind];
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

interface Grid {
  workloads: string[];
  labelWidth: number;
  cells: Cell[][];
}

function columnWidth(header: string, grid: Grid, col: number): number {
  return Math.max(header.length, ...grid.cells.map((row) => cellWidth(row[col]!)));
}

function tableWidth(headers: readonly string[], grid: Grid, cols: readonly number[]): number {
  return grid.labelWidth + cols.reduce((n, c) => n + GAP + columnWidth(headers[c]!, grid, c), 0);
}

/** Strategy columns split into groups that each fit: the fallback when even numbered headers are too wide. */
function chunkColumns(headers: readonly string[], grid: Grid, width: number): number[][] {
  const chunks: number[][] = [];
  let cur: number[] = [];
  for (let c = 0; c < headers.length; c++) {
    if (cur.length > 0 && tableWidth(headers, grid, [...cur, c]) > width) {
      chunks.push(cur);
      cur = [];
    }
    cur.push(c);
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks;
}

function renderTable(headers: readonly string[], grid: Grid, cols: readonly number[], ch: ChalkInstance): string[] {
  const widths = cols.map((c) => columnWidth(headers[c]!, grid, c));
  const sep = ' '.repeat(GAP);
  const head = [ch.bold('workload'.padEnd(grid.labelWidth)), ...cols.map((c, i) => ch.bold(headers[c]!.padEnd(widths[i]!)))];
  const rule = ['-'.repeat(grid.labelWidth), ...widths.map((w) => '-'.repeat(w))];
  const body = grid.workloads.map((w, r) =>
    [shorten(w, grid.labelWidth).padEnd(grid.labelWidth), ...cols.map((c, i) => paint(grid.cells[r]![c]!, widths[i]!, ch))].join(sep).trimEnd(),
  );
  return [head.join(sep).trimEnd(), rule.join(sep), ...body];
}

function chalkFor(color: boolean): ChalkInstance {
  // `color: true` is a decision already made (e.g. --color), so it must not depend on stdout being a TTY.
  return new Chalk({ level: color ? Math.max(1, chalk.level) as 1 | 2 | 3 : 0 });
}

function legendEntries(grid: Grid, abbrev: ReadonlyMap<string, string>): string[] {
  const kinds = new Set(grid.cells.flat().map((c) => c.kind));
  const entries = [`${OK_CELL}=pass`];
  for (const [id, a] of abbrev) entries.push(`${a}=${id}`);
  if (kinds.has('error')) entries.push(`${ERROR_CELL}=run crashed`);
  if (kinds.has('skip')) entries.push(`${SKIP_CELL}=skipped: the kernel lacks a feature the workload needs`);
  if (kinds.has('none')) entries.push(`${NOT_RUN}=not run`);
  entries.push(`${MISMATCH_FLAG}=differs from expect`);
  return entries;
}

function totalsLine(results: ResultsFile, ch: ChalkInstance): string {
  const t = totals(results);
  const mism = `${t.mismatches} differ from expect`;
  return [
    `${plural(t.runs, 'run')}: ${ch.green(`${t.pass} ok`)}, ${ch.red(`${t.fail} fail`)}, ${ch.yellow(`${t.error} error`)}${t.skip > 0 ? `, ${ch.gray(`${t.skip} skipped`)}` : ''}`,
    t.mismatches > 0 ? ch.bold.yellow(mism) : mism,
  ].join(' · ');
}

/** The table `faultline run` prints: workloads × strategies, one short cell each. */
export function renderSummary(results: ResultsFile, opts: SummaryOptions): string {
  const ch = chalkFor(opts.color);
  const width = opts.width ?? DEFAULT_WIDTH;
  const runs = results.runs;
  if (runs.length === 0) return `no runs\n${totalsLine(results, ch)}`;

  const strategies = strategiesOf(runs);
  const workloads = workloadsOf(runs);
  const abbrev = abbreviations(uniqueInOrder(runs.flatMap(violatedIds)));
  const index = runIndex(runs);
  const grid: Grid = {
    workloads,
    labelWidth: Math.min(MAX_LABEL, Math.max('workload'.length, ...workloads.map((w) => w.length))),
    cells: workloads.map((w) => strategies.map((s) => cellFor(index.get(cellKey(w, s)), abbrev))),
  };
  const all = strategies.map((_, i) => i);

  let headers = strategies;
  const out: string[] = [];
  let strategyLegend: string[] = [];
  if (tableWidth(headers, grid, all) > width) {
    headers = strategies.map((_, i) => `S${i + 1}`);
    strategyLegend = wrapEntries('strategies: ', strategies.map((s, i) => `${headers[i]}=${s}`), width);
  }
  chunkColumns(headers, grid, width).forEach((cols, i) => {
    if (i > 0) out.push('');
    out.push(...renderTable(headers, grid, cols, ch));
  });
  out.push('', ...strategyLegend, ...wrapEntries('legend: ', legendEntries(grid, abbrev), width), ...skipLines(runs, width), totalsLine(results, ch));
  return out.join('\n');
}

/** Why the n/a cells are n/a: each reason once, with how many runs it skipped. */
function skipLines(runs: readonly RunResult[], width: number): string[] {
  const count = new Map<string, number>();
  for (const r of runs) if (r.verdict === 'skip') count.set(skipText(r), (count.get(skipText(r)) ?? 0) + 1);
  if (count.size === 0) return [];
  return wrapEntries(`${SKIP_CELL} (kernel lacks): `, [...count].map(([why, n]) => `${why} (${plural(n, 'run')});`), width);
}
