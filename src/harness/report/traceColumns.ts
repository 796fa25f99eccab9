import type { TraceEvent } from '../../core/trace.js';

export interface TraceColumnsOptions {
  /** Characters per thread column. Default: as wide as fits ~140 characters, never under 24. */
  width?: number;
  /** The step at which the invariant was found violated: that row gets the `>>` marker. */
  highlightStep?: number;
  /** Wrapped lines kept per event before the rest is cut with `…`. Default: keep everything. */
  maxLines?: number;
}

/** The left margin holds the highlight marker, so unmarked rows line up with marked ones. */
const MARGIN = 4;
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

export function defaultColumnWidth(threads: number): number {
  const n = Math.max(1, threads);
  const fit = Math.floor((TARGET_TOTAL - MARGIN - GAP * (n - 1)) / n);
  return Math.min(MAX_DEFAULT_WIDTH, Math.max(MIN_WIDTH, fit));
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

/** Stable: events logged in the same step keep the order they were logged in. */
function inStepOrder(trace: readonly TraceEvent[]): TraceEvent[] {
  return [...trace].sort((a, b) => a.step - b.step);
}

/**
 * Which row the marker goes on. Several events can share a step; the VIOLATION event, when the
 * recorder logged one, is the detection itself. Otherwise the last event at (or, if the trace has
 * none at that step, before) the detection step is the one that made the state observable.
 */
export function highlightIndex(events: readonly TraceEvent[], step: number | undefined): number {
  if (step === undefined) return -1;
  let last = -1;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.step === step && e.fn === 'VIOLATION') return i;
    if (e.step <= step) last = i;
  }
  return last;
}

function row(cells: readonly string[], width: number, marked: boolean): string {
  const margin = marked ? MARK.padEnd(MARGIN) : ' '.repeat(MARGIN);
  return (margin + cells.map((c) => c.padEnd(width)).join(' '.repeat(GAP))).trimEnd();
}

/** A counterexample as side-by-side thread columns, one event per row, rows in step order. */
export function renderTraceColumns(trace: readonly TraceEvent[], opts: TraceColumnsOptions = {}): string {
  if (trace.length === 0) return '(empty trace)';
  const threads = traceThreads(trace);
  const width = opts.width === undefined ? defaultColumnWidth(threads.length) : Math.max(MIN_EXPLICIT_WIDTH, Math.floor(opts.width));
  const column = new Map(threads.map((t, i) => [t, i]));
  const blank = threads.map(() => '');
  const events = inStepOrder(trace);
  const mark = highlightIndex(events, opts.highlightStep);

  const out = [
    row(threads.map((t) => fit(t, width)), width, false),
    row(threads.map(() => '-'.repeat(width)), width, false),
  ];
  events.forEach((e, i) => {
    const lines = truncateLines(wrapText(eventText(e), width), width, opts.maxLines);
    lines.forEach((line, j) => {
      const cells = [...blank];
      cells[column.get(e.cpu)!] = line;
      out.push(row(cells, width, i === mark && j === 0));
    });
  });
  return out.join('\n');
}

/** One event per line, for terminals too narrow for columns and for grepping. */
export function renderTraceList(trace: readonly TraceEvent[], opts: { highlightStep?: number } = {}): string {
  if (trace.length === 0) return '(empty trace)';
  const events = inStepOrder(trace);
  const mark = highlightIndex(events, opts.highlightStep);
  const stepW = Math.max(...events.map((e) => String(e.step).length));
  const cpuW = Math.max(...events.map((e) => e.cpu.length));
  const margin = opts.highlightStep === undefined ? '' : ' '.repeat(MARK.length + 1);
  return events
    .map((e, i) => {
      const prefix = i === mark ? `${MARK} ` : margin;
      return `${prefix}${String(e.step).padStart(stepW)} ${e.cpu.padEnd(cpuW)} ${e.fn}: ${e.event}`;
    })
    .join('\n');
}
