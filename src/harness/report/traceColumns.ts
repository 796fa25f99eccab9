import type { TraceEvent } from '../../core/trace.js';
import { numberTrace } from '../explore/numberTrace.js';

export interface TraceColumnsOptions {
  /** Characters per thread column. Default: as wide as fits ~140 characters, never under 24. */
  width?: number;
  /** The step at which the invariant was found violated: that row gets the `>>` marker. */
  highlightStep?: number;
  /** The invariant found violated, to mark its own VIOLATION event where one step broke several. */
  invariant?: string;
  /** Wrapped lines kept per event before the rest is cut with `…`. Default: keep everything. */
  maxLines?: number;
}

/** The left gutter holds the highlight marker and each event's step number, so rows line up. */
const MARK = '>>';
const GAP = 2;
const TARGET_TOTAL = 140;
const MIN_WIDTH = 24;
/** Past this, a single-thread trace would run into one very long line that nobody reads side by side. */
const MAX_DEFAULT_WIDTH = 64;
/** Wrapped continuation lines are indented so they cannot be mistaken for the thread's next event. */
const HANGING = 2;
/** Below this, the hanging indent leaves no room for text. */
const MIN_EXPLICIT_WIDTH = 8;

/** Threads in order of first appearance: the order a reader meets them in the story. */
export function traceThreads(trace: readonly TraceEvent[]): string[] {
  const seen = new Set<string>();
  for (const e of trace) seen.add(e.cpu);
  return [...seen];
}

/** Characters before the first column: `>>`, a space, the step number (1..n), a gap. */
export function gutterWidth(events: number): number {
  return MARK.length + 1 + String(Math.max(1, events)).length + GAP;
}

export function defaultColumnWidth(threads: number, gutter = gutterWidth(1)): number {
  const n = Math.max(1, threads);
  const fit = Math.floor((TARGET_TOTAL - gutter - GAP * (n - 1)) / n);
  return Math.min(MAX_DEFAULT_WIDTH, Math.max(MIN_WIDTH, fit));
}

/** The column width at which a trace's columns, gutter included, fill `total` characters. */
export function columnWidthFor(trace: readonly TraceEvent[], total: number): number {
  const n = Math.max(1, traceThreads(trace).length);
  return Math.floor((total - gutterWidth(trace.length) - GAP * (n - 1)) / n);
}

/**
 * An op's first event is logged as fn = op name, event = the op's label, and the label already
 * starts with the op name: printing `write: write buf+0` would only repeat it.
 */
export function eventText(e: TraceEvent): string {
  if (e.event === e.fn || e.event.startsWith(`${e.fn} `)) return e.event;
  return `${e.fn}: ${e.event}`;
}
/** Greedy word wrap; words longer than a line are split rather than allowed to overflow the column. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  const room = () => (lines.length === 0 ? width : width - HANGING);
  const flush = () => {
    lines.push(lines.length === 0 ? cur : ' '.repeat(HANGING) + cur);
    cur = '';
  };
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (cur.length > 0 && cur.length + 1 + word.length <= room()) {
      cur += ` ${word}`;
      continue;
    }
    if (cur.length > 0) flush();
    let rest = word;
    while (rest.length > room()) {
      cur = rest.slice(0, room());
      rest = rest.slice(room());
      flush();
    }
    cur = rest;
  }
  if (cur.length > 0 || lines.length === 0) flush();
  return lines;
}

function truncateLines(lines: string[], width: number, maxLines: number | undefined): string[] {
  if (maxLines === undefined || lines.length <= maxLines) return lines;
  const kept = lines.slice(0, Math.max(1, maxLines));
  const last = kept[kept.length - 1]!;
  kept[kept.length - 1] = (last.length >= width ? last.slice(0, width - 1) : last) + '…';
  return kept;
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function gutter(width: number, marked: boolean, step: number | null): string {
  const num = step === null ? '' : String(step);
  return `${marked ? MARK : ' '.repeat(MARK.length)} ${num.padStart(width - MARK.length - 1 - GAP)}${' '.repeat(GAP)}`;
}

function row(cells: readonly string[], width: number, lead: string): string {
  return (lead + cells.map((c) => c.padEnd(width)).join(' '.repeat(GAP))).trimEnd();
}

/**
 * A counterexample as side-by-side thread columns, one event per row, numbered 1..n in the order
 * they happened (numberTrace), the detection marked `>>`.
 */
export function renderTraceColumns(trace: readonly TraceEvent[], opts: TraceColumnsOptions = {}): string {
  if (trace.length === 0) return '(empty trace)';
  const { trace: events, at } = numberTrace(trace, opts.highlightStep, opts.invariant);
  const threads = traceThreads(events);
  const g = gutterWidth(events.length);
  const width = opts.width === undefined ? defaultColumnWidth(threads.length, g) : Math.max(MIN_EXPLICIT_WIDTH, Math.floor(opts.width));
  const column = new Map(threads.map((t, i) => [t, i]));
  const blank = threads.map(() => '');
  const out = [
    row(threads.map((t) => fit(t, width)), width, gutter(g, false, null)),
    row(threads.map(() => '-'.repeat(width)), width, gutter(g, false, null)),
  ];
  for (const e of events) {
    const lines = truncateLines(wrapText(eventText(e), width), width, opts.maxLines);
    lines.forEach((line, j) => {
      const cells = [...blank];
      cells[column.get(e.cpu)!] = line;
      out.push(row(cells, width, gutter(g, j === 0 && e.step === at, j === 0 ? e.step : null)));
    });
  }
  return out.join('\n');
}

/** One event per line, numbered as in the columns, for terminals too narrow for columns and for grepping. */
export function renderTraceList(trace: readonly TraceEvent[], opts: { highlightStep?: number; invariant?: string } = {}): string {
  if (trace.length === 0) return '(empty trace)';
  const { trace: events, at } = numberTrace(trace, opts.highlightStep, opts.invariant);
  const stepW = String(events.length).length;
  const cpuW = Math.max(...events.map((e) => e.cpu.length));
  const margin = at === undefined ? '' : ' '.repeat(MARK.length + 1);
  return events
    .map((e) => `${e.step === at ? `${MARK} ` : margin}${String(e.step).padStart(stepW)} ${e.cpu.padEnd(cpuW)} ${eventText(e)}`)
    .join('\n');
}
