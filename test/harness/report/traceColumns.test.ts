import { describe, expect, it } from 'vitest';
import {
  defaultColumnWidth,
  eventText,
  gutterWidth,
  renderTraceColumns,
  renderTraceList,
  traceThreads,
  wrapText,
} from '../../../src/harness/report/traceColumns.js';
import { numberTrace } from '../../../src/harness/explore/numberTrace.js';
import { DIO_FORK_TRACE, ev } from './fixtures.js';

/** `>>`, a space, the step number (two digits for ten events), two spaces. */
const MARGIN = gutterWidth(DIO_FORK_TRACE.length);
const GAP = 2;

/** Column index a body line's text starts in, from its first non-blank character after the margin. */
function columnOf(line: string, width: number): number {
  const start = line.slice(MARGIN).search(/\S/);
  expect(start % (width + GAP)).toBe(0);
  return start / (width + GAP);
}

describe('renderTraceColumns', () => {
  const width = 30;
  const out = renderTraceColumns(DIO_FORK_TRACE, { width, highlightStep: 8 });
  const lines = out.split('\n');

  it('heads the columns with the threads in order of first appearance, underlined', () => {
    expect(traceThreads(DIO_FORK_TRACE)).toEqual(['P.io', 'P.forker', 'P.writer', 'dev']);
    const header = lines[0]!;
    expect(header.indexOf('P.io')).toBe(MARGIN);
    expect(header.indexOf('P.forker')).toBe(MARGIN + (width + GAP));
    expect(header.indexOf('P.writer')).toBe(MARGIN + 2 * (width + GAP));
    expect(header.indexOf('dev')).toBe(MARGIN + 3 * (width + GAP));
    expect(MARGIN).toBe(7);
    expect(lines[1]).toBe(`${' '.repeat(MARGIN)}${Array(4).fill('-'.repeat(width)).join('  ')}`);
  });

  it("puts each event in its thread's column, one per row, in step order", () => {
    const threads = traceThreads(DIO_FORK_TRACE);
    // Rebuild the expected body from the wrapped text of each event: if any event moved column,
    // merged rows or changed order, this listing differs.
    const expected: { col: number; text: string; step: string }[] = [];
    DIO_FORK_TRACE.forEach((e, n) => {
      wrapText(eventText(e), width).forEach((text, j) => expected.push({ col: threads.indexOf(e.cpu), text, step: j === 0 ? String(n + 1) : '' }));
    });
    const body = lines.slice(2);
    expect(body).toHaveLength(expected.length);
    body.forEach((line, i) => {
      const { col, text, step } = expected[i]!;
      const offset = MARGIN + col * (width + GAP);
      // The gutter holds the event's number on its first line only.
      expect(line.slice(0, offset).replace(/^>>/, '  ').trim()).toBe(step);
      expect(line.slice(offset)).toBe(text);
      if (!text.startsWith(' ')) expect(columnOf(line, width)).toBe(col);
    });
  });

  it('prints an op label without repeating the op name, other events as fn: event', () => {
    expect(out).toContain('dio_read buf[0x0..0x1000)');
    expect(out).not.toContain('dio_read: dio_read');
    expect(out).not.toContain('fork: fork C');
    expect(out).toContain('fork C');
    expect(out).toContain('gup_fast: FOLL_GET|FOLL_WRITE');
    expect(out).toContain('wp_page_copy: page 1 -> page 2');
  });

  it('marks exactly the violation row with >>', () => {
    const marked = lines.filter((l) => l.startsWith('>>'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain('VIOLATION: lost-dio-read');
    // The other event at step 8 is not marked.
    expect(lines.find((l) => l.includes('read buf[0x0..0x1000)') && !l.includes('dio_read'))!.startsWith('>>')).toBe(false);
  });

  it('prefers the VIOLATION event over later events of the same step', () => {
    const trace = [ev(1, 'A', 'f', 'before'), ev(2, 'A', 'VIOLATION', 'deadlock: stuck'), ev(2, 'B', 'g', 'same step, after')];
    const marked = renderTraceColumns(trace, { width: 30, highlightStep: 2 })
      .split('\n')
      .filter((l) => l.startsWith('>>'));
    expect(marked).toEqual(['>> 2  VIOLATION: deadlock: stuck']);
  });

  it('marks the last event at or before the step when no VIOLATION event was logged', () => {
    const trace = DIO_FORK_TRACE.filter((e) => e.fn !== 'VIOLATION');
    const marked = renderTraceColumns(trace, { width, highlightStep: 5 })
      .split('\n')
      .filter((l) => l.startsWith('>>'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain('handle_mm_fault');
    expect(numberTrace(trace, 0).at).toBeUndefined();
    expect(renderTraceColumns(trace, { width })).not.toContain('>>');
  });

  it('never exceeds the width and loses no words when wrapping', () => {
    const limit = MARGIN + 4 * width + 3 * GAP;
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(limit);
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    const all = words(lines.slice(2).join(' ').replace(/^>>/, ''));
    for (let n = 1; n <= DIO_FORK_TRACE.length; n++) expect(all).toContain(String(n));
    for (const e of DIO_FORK_TRACE) for (const w of words(eventText(e))) expect(all).toContain(w);
    // This one is longer than 30 and so must have wrapped.
    expect(out).not.toContain('share page 1 R/O (refcount 3, mapcount 2)');
  });

  it('splits a word longer than the column', () => {
    const long = 'x'.repeat(70);
    const text = renderTraceColumns([ev(1, 'A', 'f', long), ev(2, 'B', 'g', 'y')], { width: 24 });
    for (const l of text.split('\n')) expect(l.length).toBeLessThanOrEqual(gutterWidth(2) + 24 * 2 + GAP);
    expect(text.replace(/[^x]/g, '')).toHaveLength(70);
  });

  it('sorts by step but keeps same-step events in logged order, numbering them 1..n', () => {
    const text = renderTraceColumns([ev(3, 'A', 'f', 'third'), ev(1, 'B', 'g', 'first'), ev(1, 'B', 'h', 'second')], { width: 24 });
    const body = text.split('\n').slice(2);
    expect(body.map((l) => l.trim().replace(/\s+/g, ' '))).toEqual(['1 g: first', '2 h: second', '3 f: third']);
  });

  it("numbers the rows 1..n whatever the scheduler's steps were, and marks the detection by its new number", () => {
    const out = renderTraceColumns(DIO_FORK_TRACE, { width, highlightStep: 8 });
    const numbers = out.split('\n').slice(2).map((l) => /^(?:>>| {2}) +(\d+) /.exec(l)?.[1]).filter((n) => n !== undefined).map(Number);
    expect(numbers).toEqual(DIO_FORK_TRACE.map((_, i) => i + 1));
    expect(out.split('\n').find((l) => l.startsWith('>>'))).toMatch(/^>> 10  /);
  });

  it('truncates with … when maxLines is set', () => {
    const text = renderTraceColumns([ev(1, 'A', 'f', 'word '.repeat(40))], { width: 24, maxLines: 2 });
    const body = text.split('\n').slice(2);
    expect(body).toHaveLength(2);
    expect(body[1]!.endsWith('…')).toBe(true);
  });

  it('picks a default width that fits ~140 columns but never below 24', () => {
    expect(defaultColumnWidth(3)).toBeGreaterThanOrEqual(24);
    expect(gutterWidth(99) + 3 * defaultColumnWidth(3, gutterWidth(99)) + 2 * GAP).toBeLessThanOrEqual(140);
    expect(defaultColumnWidth(10)).toBe(24);
    const text = renderTraceColumns(DIO_FORK_TRACE);
    for (const l of text.split('\n')) expect(l.length).toBeLessThanOrEqual(140);
  });

  it('says so for an empty trace', () => {
    expect(renderTraceColumns([])).toBe('(empty trace)');
  });
});

describe('wrapText', () => {
  it('wraps greedily with a hanging indent', () => {
    expect(wrapText('aaa bbb ccc ddd', 8)).toEqual(['aaa bbb', '  ccc', '  ddd']);
    expect(wrapText('short', 8)).toEqual(['short']);
  });
});

describe('renderTraceList', () => {
  it('prints step cpu and the event as the columns word it (an op label once, not \'write: write ...\'), marking the violation', () => {
    const lines = renderTraceList(DIO_FORK_TRACE, { highlightStep: 8 }).split('\n');
    expect(lines).toHaveLength(DIO_FORK_TRACE.length);
    expect(lines[0]).toMatch(/^ {3} 1 P\.io\s+dio_read buf\[0x0\.\.0x1000\) fill=0x00$/);
    expect(lines[lines.length - 1]).toMatch(/^>> 10 P\.io\s+VIOLATION: lost-dio-read/);
    expect(lines.map((l) => Number(/^(?:>>| {2}) +(\d+) /.exec(l)![1]))).toEqual(DIO_FORK_TRACE.map((_, i) => i + 1));
    expect(lines.filter((l) => l.startsWith('>>'))).toHaveLength(1);
  });

  it('has no margin when nothing is highlighted', () => {
    expect(renderTraceList([ev(12, 'A', 'f', 'e')])).toBe('1 A f: e');
  });
});
