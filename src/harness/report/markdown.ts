import type { ResultsFile, RunResult, ViolationResult } from '../results.js';
import { costClaimsMarkdown, costDifferencesMarkdown, largestPoints } from './cost.js';
import {
  cellKey,
  describeExpected,
  describeOutcome,
  groupByFamily,
  plural,
  replayCommand,
  runIndex,
  skipText,
  strategiesOf,
  totals,
  uniqueInOrder,
  workloadsOf,
  type ReplayCommand,
  groupCounterexamples,
  stepsNote,
  reachedBy,
  replayLine,
  countsLine,
  type CounterexampleGroup,
  type Inline,
} from './common.js';
import { renderTraceColumns } from './traceColumns.js';
import { realSectionMarkdown } from '../real/reportSections.js';
import { SKIP_CELL } from './terminal.js';

export interface MarkdownOptions {
  title?: string;
}

/** The contract's metric names, in its order; a family's extra metrics follow in order of appearance. */
export const CORE_COST_METRICS = [
  'pageCopies',
  'pagesAllocated',
  'peakPages',
  'faults',
  'faultRetries',
  'gupCalls',
  'lockAcquires',
  'mmapLockMaxHoldSteps',
  'tlbFlushes',
  'syscalls',
  'steps',
] as const;

const MISMATCH = '⚠';

// ---------------------------------------------------------------------------------------------
// Markdown primitives

/** A `|` inside a cell would end the cell, even inside a code span (GFM splits rows first). */
export function escapeCell(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/**
 * Escapes what would change meaning in running text. Intraword `_` is left alone: GFM never reads
 * it as emphasis, and `do_wp_page` should stay readable in the raw file.
 */
export function escapeInline(s: string): string {
  return s
    .replace(/[\\`*[\]<>|]/g, (c) => `\\${c}`)
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_');
}

/** A code span that survives backticks in its content. */
export function code(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((m) => m.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${s}${pad}${ticks}`;
}

/** A fenced block whose fence is longer than any backtick run inside it. */
export function fenced(body: string, info = 'text'): string {
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body}\n${fence}`;
}

export type Align = 'left' | 'right';

/** A GFM table, padded so the raw file reads as a table too. Cells are escaped here, not by callers. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const esc = (r: readonly string[]) => header.map((_, i) => escapeCell(r[i] ?? ''));
  const h = esc(header);
  const body = rows.map(esc);
  const widths = h.map((c, i) => Math.max(3, c.length, ...body.map((r) => r[i]!.length)));
  const pad = (c: string, i: number) => (align[i] === 'right' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!));
  const line = (r: readonly string[]) => `| ${r.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(h), rule, ...body.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Numbers

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

function threeDigits(x: number): string {
  const a = Math.abs(x);
  return trimZeros(x.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2));
}

/** Four digits stay exact (costs are mostly small counts); larger values get k/M/G. */
export function formatCompact(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1e9) return `${threeDigits(n / 1e9)}G`;
  if (a >= 1e6) return `${threeDigits(n / 1e6)}M`;
  if (a >= 1e4) return `${threeDigits(n / 1e3)}k`;
  return Number.isInteger(n) ? String(n) : threeDigits(n);
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

// ---------------------------------------------------------------------------------------------
// Sections

export function summaryLine(results: ResultsFile): string {
  const t = totals(results);
  const parts = [
    `${plural(t.runs, 'run')}: ${t.pass} pass, ${t.fail} fail${t.xfail > 0 ? ` (${t.xfail} expected)` : ''}, ${t.error} error${t.skip > 0 ? `, ${t.skip} skipped` : ''}`,
    `${plural(t.mismatches, 'mismatch', 'mismatches')} against expect`,
  ];
  if (t.noExpect > 0) parts.push(`${plural(t.noExpect, 'run')} without expect`);
  parts.push(`seed ${results.seed}`);
  if (results.startedAt) parts.push(`started ${results.startedAt}`);
  return parts.join(' · ');
}

/** The words in a matrix cell, without the mismatch marker. */
export function cellText(r: RunResult): string {
  return r.verdict === 'skip' ? SKIP_CELL : describeOutcome(r);
}

/** Why a family's n/a cells are n/a: per kernel, each reason once, with the workloads it skipped. */
function skipSection(runs: readonly RunResult[]): string | null {
  const by = new Map<string, { strategy: string; why: string; n: number }>();
  for (const r of runs) {
    if (r.verdict !== 'skip') continue;
    const k = `${r.strategy}\u0000${skipText(r)}`;
    const e = by.get(k) ?? { strategy: r.strategy, why: skipText(r), n: 0 };
    e.n++;
    by.set(k, e);
  }
  if (by.size === 0) return null;
  const lines = [...by.values()].map((e) => `- ${code(e.strategy)} lacks ${escapeInline(e.why)} (${plural(e.n, 'workload')})`);
  return [`${SKIP_CELL}: skipped, the kernel lacks a feature the workload needs (\`skip\` in results.json):`, lines.join('\n')].join('\n\n');
}

interface Footnotes {
  next: number;
}

function matrixSection(runs: readonly RunResult[], strategies: readonly string[], notes: Footnotes): string {
  const index = runIndex(runs);
  const defs: string[] = [];
  const rows = workloadsOf(runs).map((w) => [
    code(w),
    ...strategies.map((s) => {
      const r = index.get(cellKey(w, s));
      if (r === undefined) return '—';
      const text = cellText(r);
      if (r.matchesExpected !== false) return text;
      const label = `m${notes.next++}`;
      defs.push(`[^${label}]: ${escapeInline(`${w} × ${s}`)}: expected ${escapeInline(describeExpected(r.expected))}, got ${escapeInline(describeOutcome(r))}.`);
      return `**${MISMATCH} ${text}**[^${label}]`;
    }),
  ]);
  const out = [table(['workload', ...strategies.map(code)], rows)];
  if (defs.length > 0) out.push(defs.join('\n'));
  const skips = skipSection(runs);
  if (skips !== null) out.push(skips);
  return out.join('\n\n');
}

/** Metrics any run of the family reported: the contract's first, then extras in order of appearance. */
export function costMetrics(runs: readonly RunResult[]): string[] {
  const present = uniqueInOrder(runs.flatMap((r) => Object.keys(r.cost)));
  const core = CORE_COST_METRICS.filter((m) => present.includes(m));
  return [...core, ...present.filter((m) => !(CORE_COST_METRICS as readonly string[]).includes(m))];
}

/**
 * The worst case over the family's workloads of the typical (median) execution: a strategy that is
 * cheap on most workloads but blows up on one should not look cheap.
 */
export function maxMedian(runs: readonly RunResult[], strategy: string, metric: string): number | null {
  let best: number | null = null;
  for (const r of runs) {
    if (r.strategy !== strategy) continue;
    const c = r.cost[metric];
    if (c === undefined) continue;
    if (best === null || c.median > best) best = c.median;
  }
  return best;
}

function explorationLine(runs: readonly RunResult[], strategy: string): string {
  const mine = runs.filter((r) => r.strategy === strategy);
  const executions = mine.reduce((n, r) => n + r.exploration.executions, 0);
  const modes = uniqueInOrder(mine.map((r) => r.exploration.mode)).join('/');
  const incomplete = mine.filter((r) => !r.exploration.complete).length;
  const coverage = incomplete === 0 ? 'complete' : `incomplete on ${incomplete} of ${plural(mine.length, 'workload')}`;
  return `- ${code(strategy)}: ${formatCount(executions)} executions over ${plural(mine.length, 'workload')} (${escapeInline(modes)}), ${coverage}`;
}

/** Who pays what where the strategies differ (src/harness/report/cost.ts), then what was explored. */
function costSection(runs: readonly RunResult[], strategies: readonly string[]): string {
  return [costDifferencesMarkdown(runs), strategies.map((s) => explorationLine(runs, s)).join('\n')].join('\n\n');
}

/** Kernel timelines are compositions of the strategies; pairs are compared among the strategies. */
const KERNEL_NAME = /^v\d/;

/** Metrics compared when two strategies reach the same verdict on a workload. */
const SEPARATING_COSTS = ['faultRetries', 'uffdDuplicateMsgs', 'mmapLockMaxHoldSteps', 'mmapWriterWaitSteps', 'pageCopies', 'forkCopies'];

/**
 * For each pair of the family's strategies, the first workload that tells them apart: by verdict,
 * else by the median of a cost metric. A pair no workload separates is listed as such.
 */
export function separationSection(runs: readonly RunResult[], strategies: readonly string[], f: Inline = MARKDOWN): string | null {
  const ss = strategies.filter((s) => !KERNEL_NAME.test(s));
  if (ss.length < 2) return null;
  const index = runIndex(runs);
  const ws = workloadsOf(runs);
  const lines: string[] = [];
  for (let i = 0; i < ss.length; i++) {
    for (let j = i + 1; j < ss.length; j++) {
      const a = ss[i]!;
      const b = ss[j]!;
      let found: string | null = null;
      for (const w of ws) {
        const ra = index.get(cellKey(w, a));
        const rb = index.get(cellKey(w, b));
        if (ra === undefined || rb === undefined) continue;
        const va = describeOutcome(ra);
        const vb = describeOutcome(rb);
        if (va !== vb) {
          found = `${f.code(w)}: ${f.text(va)} vs ${f.text(vb)}`;
          break;
        }
        for (const m of SEPARATING_COSTS) {
          const ca = ra.cost[m]?.median;
          const cb = rb.cost[m]?.median;
          if (ca !== undefined && cb !== undefined && ca !== cb) {
            found = `${f.code(w)}: ${m} ${formatCompact(ca)} vs ${formatCompact(cb)} (median)`;
            break;
          }
        }
        if (found !== null) break;
      }
      lines.push(`- ${f.code(a)} / ${f.code(b)}: ${found ?? 'no workload separates them'}`);
    }
  }
  return lines.join('\n');
}

function familySection(family: string, runs: readonly RunResult[], allStrategies: readonly string[], notes: Footnotes): string {
  const present = new Set(strategiesOf(runs));
  const strategies = allStrategies.filter((s) => present.has(s));
  const sep = separationSection(runs, strategies);
  return [
    `## ${escapeInline(family)}`,
    matrixSection(runs, strategies, notes),
    ...(sep !== null ? ['### Where the strategies part', sep] : []),
    '### Cost',
    costSection(runs, strategies),
  ].join('\n\n');
}

/** Names as code spans, the rest escaped: the markup of report.md's sentences (common.ts Inline). */
export const MARKDOWN: Inline = { code, text: escapeInline, strong: (s) => `**${s}**` };

/** One distinct counterexample, with every strategy and kernel that reached it. */
export function counterexampleGroup(g: CounterexampleGroup, replay: ReplayCommand): string {
  const v = g.first.violation;
  const out = [`### ${escapeInline(`${g.workload}: ${g.invariant}`)}`, escapeInline(v.message)];
  out.push(reachedBy(g, MARKDOWN, `**${MISMATCH} not expected**`));
  const counted = countsLine(g);
  const rp = replayLine(g, replay, MARKDOWN);
  out.push(`- ${escapeInline(stepsNote(v))}\n- ${rp.command}${rp.others !== null ? ` ${rp.others}` : ''}${counted !== null ? `\n- ${escapeInline(counted)}` : ''}`);
  out.push(fenced(renderTraceColumns(v.trace, { highlightStep: v.at, invariant: v.invariant })));
  return out.join('\n\n');
}

function counterexamplesSection(runs: readonly RunResult[], replay: ReplayCommand): string {
  const groups = groupCounterexamples(runs);
  const total = groups.reduce((n, g) => n + g.members.length, 0);
  const out = ['## Counterexamples'];
  if (groups.length === 0) out.push('None: no run violated an invariant.');
  else out.push(`${plural(groups.length, 'distinct counterexample')} (of ${plural(total, 'violation')} found; runs that reached the same trace share one). \`>>\` marks the event at which the invariant was found violated.`);
  for (const g of groups) out.push(counterexampleGroup(g, replay));
  return out.join('\n\n');
}

function errorsSection(runs: readonly RunResult[], replay: ReplayCommand): string | null {
  const errors = runs.filter((r) => r.verdict === 'error');
  if (errors.length === 0) return null;
  const out = ['## Errors'];
  for (const r of errors) {
    out.push(`### ${escapeInline(`${r.workload} × ${r.strategy}`)}`);
    out.push(fenced(r.error ?? '(no message)'));
    if (r.errorReplay !== undefined) out.push(`- replay: ${code(replay(r.errorReplay))}`);
  }
  return out.join('\n\n');
}

/**
 * summary.md: what a CI step summary or a pull-request comment has room for (GitHub caps a step
 * summary at 1 MiB): the totals, each family's matrix and what differs from expect, with a pointer
 * to report.md for the counterexamples.
 */
export function renderSummaryMarkdown(results: ResultsFile, opts: MarkdownOptions = {}): string {
  const out = [`# ${escapeInline(opts.title ?? 'faultline summary')}`, summaryLine(results)];
  if (results.runs.length === 0) return `${out.join('\n\n')}\n`;
  const strategies = strategiesOf(results.runs);
  const notes: Footnotes = { next: 1 };
  // A scale: series at its largest point: the summary is for a CI step, the sizes are in report.md.
  for (const [family, runs] of groupByFamily(largestPoints(results.runs))) {
    const present = new Set(strategiesOf(runs));
    out.push(`## ${escapeInline(family)}`, matrixSection(runs, strategies.filter((s) => present.has(s)), notes));
  }
  const groups = groupCounterexamples(results.runs);
  if (groups.length > 0) out.push(`${plural(groups.length, 'distinct counterexample')}, each with its race diagram and replay command: report.md beside this file.`);
  return `${out.join('\n\n')}\n`;
}

/** report.md: a view of results.json for people, never an input to anything. */
export function renderMarkdown(results: ResultsFile, opts: MarkdownOptions = {}): string {
  const title = opts.title ?? 'faultline report';
  const out = [`# ${escapeInline(title)}`, summaryLine(results)];
  if (results.real !== undefined) out.push(realSectionMarkdown(results.real));
  if (results.runs.length === 0) return `${out.join('\n\n')}\n`;
  const strategies = strategiesOf(results.runs);
  const notes: Footnotes = { next: 1 };
  for (const [family, runs] of groupByFamily(results.runs)) out.push(familySection(family, runs, strategies, notes));
  const claims = costClaimsMarkdown(results.runs);
  if (claims !== null) out.push(claims);
  const replay = replayCommand(results);
  out.push(counterexamplesSection(largestPoints(results.runs), replay));
  const errors = errorsSection(results.runs, replay);
  if (errors !== null) out.push(errors);
  return `${out.join('\n\n')}\n`;
}
