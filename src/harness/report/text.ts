import type { ResultsFile, RunResult } from '../results.js';
import { analyseClaims } from '../cost/analysis.js';
import {
  PLAIN,
  countsLine,
  describeExpected,
  describeOutcome,
  groupByFamily,
  groupCounterexamples,
  plural,
  reachedBy,
  replayCommand,
  replayLine,
  skipText,
  stepsNote,
  strategiesOf,
  totals,
  type CounterexampleGroup,
  type ReplayCommand,
} from './common.js';
import { COST_DIFFERENCES_INTRO, SAME_COST, costDifferencesByWorkload, describeDifference, largestPoints } from './cost.js';
import { separationSection } from './markdown.js';
import { renderSummary } from './terminal.js';
import { columnWidthFor, renderTraceColumns } from './traceColumns.js';

/**
 * report.txt: what goes below the `---` of a patch cover letter. Mail clients and lore.kernel.org
 * wrap or mangle lines past 80 columns, so every line here but a replay command fits 79. It says
 * what report.md says, in the same sentences (common.ts, cost.ts), without the markup.
 */
export const TEXT_WIDTH = 79;

export interface TextOptions {
  width?: number;
  /**
   * `all` (default): every distinct counterexample with its race diagram, once however many
   * strategies and kernels reached it. `none`: the same list without the diagrams.
   */
  traces?: 'all' | 'none';
}

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

/** Per family, the workloads on which the candidate strategies pay differently: report.md's list. */
function costSection(runs: readonly RunResult[], width: number): string {
  const out: string[] = [];
  for (const [family, mine] of groupByFamily(runs)) {
    const byWorkload = costDifferencesByWorkload(mine);
    out.push(`${family}:`);
    if (byWorkload.size === 0) {
      out.push(wrap(`  ${SAME_COST}`, width, 2));
      continue;
    }
    for (const [w, ds] of byWorkload) {
      out.push(`  ${w}`);
      for (const d of ds) out.push(wrap(`    - ${describeDifference(d, PLAIN)}`, width, 6));
    }
  }
  return [wrap(COST_DIFFERENCES_INTRO, width, 0), '', out.join('\n')].join('\n');
}

/** Per family, the first workload that tells each pair of candidate strategies apart: report.md's list. */
function partSection(runs: readonly RunResult[], width: number): string | null {
  const out: string[] = [];
  for (const [family, mine] of groupByFamily(runs)) {
    const sep = separationSection(mine, strategiesOf(mine), PLAIN);
    if (sep === null) continue;
    out.push(`${family}:`, ...sep.split('\n').map((l) => wrap(`  ${l}`, width, 6)));
  }
  return out.length > 0 ? out.join('\n') : null;
}

/** The threads' cost claims, one verdict each; the figures and charts are in report.md. */
function claimsSection(runs: readonly RunResult[], width: number): string | null {
  const claims = analyseClaims(runs);
  if (claims.length === 0) return null;
  const n = (s: string) => claims.filter((c) => c.status === s).length;
  const out = [wrap(`Cost claims: ${claims.length} from the threads, ${n('confirmed')} confirmed, ${n('not confirmed')} not confirmed, ${n('not measured')} not measured (figures in report.md):`, width, 0), ''];
  for (const c of claims) out.push(wrap(`  ${c.id}: ${c.status}: "${c.claim.claim}" (${c.claim.source})`, width, 4));
  return out.join('\n');
}

function counterexample(g: CounterexampleGroup, replay: ReplayCommand, opts: Required<TextOptions>): string {
  const v = g.first.violation;
  const block = [
    `${g.workload}: ${g.invariant}`,
    wrap(`  ${v.message}`, opts.width, 2),
    wrap(`  ${reachedBy(g, PLAIN, '(NOT EXPECTED)')}`, opts.width, 4),
    wrap(`  ${stepsNote(v)}`, opts.width, 4),
  ];
  const counts = countsLine(g);
  if (counts !== null) block.push(wrap(`  ${counts}`, opts.width, 4));
  // A replay command is pasted whole: it is the one line allowed past the margin.
  const rp = replayLine(g, replay, PLAIN);
  block.push(`  ${rp.command}`);
  if (rp.others !== null) block.push(wrap(`    ${rp.others}`, opts.width, 4));
  if (opts.traces !== 'none') block.push('', renderTraceColumns(v.trace, { width: columnWidthFor(v.trace, opts.width), highlightStep: v.at, invariant: v.invariant, maxLines: 3 }));
  return block.join('\n');
}

/** report.txt: matrix, mismatches, cost where strategies differ, and each distinct counterexample. */
export function renderText(results: ResultsFile, options: TextOptions = {}): string {
  const opts: Required<TextOptions> = { width: options.width ?? TEXT_WIDTH, traces: options.traces ?? 'all' };
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
  const parts = partSection(results.runs, opts.width);
  if (parts !== null) out.push('', wrap('Where the candidate strategies part (the first workload that tells each pair apart):', opts.width, 0), '', parts);
  out.push('', 'Cost', '', costSection(results.runs, opts.width));
  const claims = claimsSection(results.runs, opts.width);
  if (claims !== null) out.push('', claims);
  const errors = results.runs.filter((r) => r.verdict === 'error');
  if (errors.length > 0) {
    out.push('', 'Errors:');
    for (const r of errors) out.push(wrap(`  ${r.workload} x ${r.strategy}: ${(r.error ?? '').split('\n')[0]}`, opts.width, 4));
  }
  const groups = groupCounterexamples(largestPoints(results.runs));
  const total = groups.reduce((n, g) => n + g.members.length, 0);
  out.push('', 'Counterexamples', '');
  if (groups.length === 0) out.push('None: no run violated an invariant.');
  else {
    out.push(wrap(`${plural(groups.length, 'distinct counterexample')} (of ${plural(total, 'violation')} found; runs that reached the same trace share one). >> marks the step at which the invariant was found violated.`, opts.width, 0));
    const replay = replayCommand(results);
    for (const g of groups) out.push('', counterexample(g, replay, opts));
  }
  return `${out.join('\n')}\n`;
}
