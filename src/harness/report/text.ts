import type { ResultsFile, RunResult, ViolationResult } from '../results.js';
import { describeExpected, describeOutcome, plural, skipText, strategiesOf, totals } from './common.js';
import { costMetrics, formatCompact, maxMedian } from './markdown.js';
import { renderSummary } from './terminal.js';
import { columnWidthFor, renderTraceColumns } from './traceColumns.js';

/**
 * report.txt: what goes below the `---` of a patch cover letter. Mail clients and lore.kernel.org
 * wrap or mangle lines past 80 columns, so every table here is cut to fit 79.
 */
export const TEXT_WIDTH = 79;

export interface TextOptions {
  width?: number;
  /**
   * `first`: one race diagram per workload × invariant (the first strategy that shows it; the
   * others are listed), which is what a cover letter quotes. `all`: every counterexample.
   */
  traces?: 'first' | 'all' | 'none';
}

/** Short column heads so a cost table of the common metrics fits a cover letter. */
const METRIC_HEAD: Readonly<Record<string, string>> = {
  pageCopies: 'copies',
  pagesAllocated: 'allocs',
  peakPages: 'peak',
  faults: 'faults',
  faultRetries: 'retries',
  gupCalls: 'gup',
  lockAcquires: 'locks',
  mmapLockMaxHoldSteps: 'mmap-hold',
  tlbFlushes: 'tlb',
  syscalls: 'syscalls',
  steps: 'steps',
};

/**
 * A plain table whose first column repeats in every part: columns that do not fit `width` go to a
 * further table below instead of running past the margin.
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], width: number, rightAlign = true): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const parts: number[][] = [];
  let cur: number[] = [];
  let used = widths[0]!;
  for (let c = 1; c < header.length; c++) {
    if (cur.length > 0 && used + 2 + widths[c]! > width) {
      parts.push(cur);
      cur = [];
      used = widths[0]!;
    }
    cur.push(c);
    used += 2 + widths[c]!;
  }
  if (cur.length > 0 || header.length === 1) parts.push(cur);
  const cell = (s: string, c: number) => (c > 0 && rightAlign ? s.padStart(widths[c]!) : s.padEnd(widths[c]!));
  const line = (r: readonly string[], cols: number[]) => [0, ...cols].map((c) => cell(r[c] ?? '', c)).join('  ').trimEnd();
  return parts
    .map((cols) => [line(header, cols), [0, ...cols].map((c) => '-'.repeat(widths[c]!)).join('  '), ...rows.map((r) => line(r, cols))].join('\n'))
    .join('\n\n');
}

function costTable(runs: readonly RunResult[], width: number): string {
  const metrics = costMetrics(runs).filter((m) => m in METRIC_HEAD);
  if (metrics.length === 0) return 'No cost recorded.';
  const rows = strategiesOf(runs).map((s) => [s, ...metrics.map((m) => {
    const v = maxMedian(runs, s, m);
    return v === null ? '-' : formatCompact(v);
  })]);
  return textTable(['strategy', ...metrics.map((m) => METRIC_HEAD[m]!)], rows, width);
}

function traceWidth(v: ViolationResult, width: number): number {
  return columnWidthFor(v.trace, width);
}

function counterexamples(runs: readonly RunResult[], opts: Required<TextOptions>): string[] {
  const groups: { r: RunResult; v: ViolationResult; also: string[] }[] = [];
  const byKey = new Map<string, (typeof groups)[number]>();
  for (const r of runs) {
    for (const v of r.violations) {
      const key = `${r.workload}\u0000${v.invariant}`;
      const g = byKey.get(key);
      if (g !== undefined && opts.traces === 'first') {
        if (!g.also.includes(r.strategy) && g.r.strategy !== r.strategy) g.also.push(r.strategy);
        continue;
      }
      const n = { r, v, also: [] };
      groups.push(n);
      if (g === undefined) byKey.set(key, n);
    }
  }
  if (groups.length === 0) return ['No invariant was violated.'];
  return groups.map(({ r, v, also }) => {
    const block = [wrap(`${r.workload} x ${r.strategy}: ${v.invariant}`, opts.width, 2), wrap(`  ${v.message}`, opts.width, 2), `  replay: ${v.replay}`];
    if (also.length > 0) block.push(wrap(`  also with: ${also.join(', ')}`, opts.width, 4));
    if (opts.traces !== 'none') block.push('', renderTraceColumns(v.trace, { width: traceWidth(v, opts.width), highlightStep: v.at, invariant: v.invariant, maxLines: 3 }));
    return block.join('\n');
  });
}

/** Word wrap keeping the text's own leading indent on the first line. */
export function wrap(text: string, width: number, indent: number): string {
  const lead = /^ */.exec(text)![0];
  const lines: string[] = [];
  let cur = lead;
  for (const word of text.slice(lead.length).split(' ').filter((w) => w.length > 0)) {
    if (cur.trim().length > 0 && cur.length + 1 + word.length > width) {
      lines.push(cur);
      cur = ' '.repeat(indent) + word;
    } else cur = cur.trim().length === 0 ? cur + word : `${cur} ${word}`;
  }
  lines.push(cur);
  return lines.join('\n');
}

/** report.txt: matrix, cost per strategy, mismatches and race diagrams, all under 80 columns. */
export function renderText(results: ResultsFile, options: TextOptions = {}): string {
  const opts: Required<TextOptions> = { width: options.width ?? TEXT_WIDTH, traces: options.traces ?? 'first' };
  const t = totals(results);
  const out: string[] = [
    wrap(`faultline: ${plural(t.runs, 'run')}, ${t.pass} pass, ${t.fail} fail, ${t.error} error${t.skip > 0 ? `, ${t.skip} skipped` : ''}; ${t.mismatches} differ from expect; seed ${results.seed}`, opts.width, 2),
  ];
  if (results.runs.length === 0) return `${out.join('\n')}\n`;
  out.push('', renderSummary(results, { color: false, width: opts.width }));
  const mismatches = results.runs.filter((r) => r.matchesExpected === false);
  if (mismatches.length > 0) {
    out.push('', 'Differences from expect:');
    for (const r of mismatches) out.push(wrap(`  ${r.workload} x ${r.strategy}: expected ${describeExpected(r.expected)}, got ${describeOutcome(r)}${r.verdict === 'skip' ? ` (${skipText(r)})` : ''}`, opts.width, 4));
  }
  out.push('', "Cost (largest median over the workloads of each strategy):", '', costTable(results.runs, opts.width));
  const errors = results.runs.filter((r) => r.verdict === 'error');
  if (errors.length > 0) {
    out.push('', 'Errors:');
    for (const r of errors) out.push(wrap(`  ${r.workload} x ${r.strategy}: ${(r.error ?? '').split('\n')[0]}`, opts.width, 4));
  }
  out.push('', 'Counterexamples (>> marks where the invariant broke):', '', counterexamples(results.runs, opts).join('\n\n'));
  return `${out.join('\n')}\n`;
}
