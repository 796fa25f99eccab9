import { describe, expect, it } from 'vitest';
import {
  defaultColumnWidth,
  eventText,
  highlightIndex,
  renderTraceColumns,
  renderTraceList,
  traceThreads,
  wrapText,
} from '../../../src/harness/report/traceColumns.js';
import { DIO_FORK_TRACE, ev } from './fixtures.js';

const MARGIN = 4;
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
    expect(lines[1]).toBe(`    ${Array(4).fill('-'.repeat(width)).join('  ')}`);
  });

  it("puts each event in its thread's column, one per row, in step order", () => {
    const threads = traceThreads(DIO_FORK_TRACE);
    // Rebuild the expected body from the wrapped text of each event: if any event moved column,
    // merged rows or changed order, this listing differs.
    const expected: { col: number; text: string }[] = [];
    for (const e of DIO_FORK_TRACE) {
      for (const text of wrapText(eventText(e), width)) expected.push({ col: threads.indexOf(e.cpu), text });
    }
    const body = lines.slice(2);
    expect(body).toHaveLength(expected.length);
    body.forEach((line, i) => {
      const { col, text } = expected[i]!;
      const offset = MARGIN + col * (width + GAP);
      expect(line.slice(0, offset).replace(/^>>/, '  ').trim()).toBe('');
      expect(line.slice(offset)).toBe(text);
      if (!text.startsWith(' ')) expect(columnOf(line, width)).toBe(col);
    });
  });

  it('prints an op label without repeating the op name, other events as fn: event', () => {
    expect(out).toContain('dio_read buf+0..4096');
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
    expect(lines.find((l) => l.includes('read buf+0..4096') && !l.includes('dio_read'))!.startsWith('>>')).toBe(false);
  });

  it('prefers the VIOLATION event over later events of the same step', () => {
    const trace = [ev(1, 'A', 'f', 'before'), ev(2, 'A', 'VIOLATION', 'deadlock: stuck'), ev(2, 'B', 'g', 'same step, after')];
    const marked = renderTraceColumns(trace, { width: 30, highlightStep: 2 })
      .split('\n')
      .filter((l) => l.startsWith('>>'));
    expect(marked).toEqual(['>>  VIOLATION: deadlock: stuck']);
  });

  it('marks the last event at or before the step when no VIOLATION event was logged', () => {
    const trace = DIO_FORK_TRACE.filter((e) => e.fn !== 'VIOLATION');
    const marked = renderTraceColumns(trace, { width, highlightStep: 5 })
      .split('\n')
      .filter((l) => l.startsWith('>>'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toContain('handle_mm_fault');
    expect(highlightIndex(trace, 0)).toBe(-1);
    expect(renderTraceColumns(trace, { width })).not.toContain('>>');
  });

  it('never exceeds the width and loses no words when wrapping', () => {
    const limit = MARGIN + 4 * width + 3 * GAP;
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(limit);
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    const all = words(lines.slice(2).join(' ').replace(/^>>/, ''));
    for (const e of DIO_FORK_TRACE) for (const w of words(eventText(e))) expect(all).toContain(w);
    // This one is longer than 30 and so must have wrapped.
    expect(out).not.toContain('share page 1 R/O (refcount 3, mapcount 2)');
  });

  it('splits a word longer than the column', () => {
    const long = 'x'.repeat(70);
    const text = renderTraceColumns([ev(1, 'A', 'f', long), ev(2, 'B', 'g', 'y')], { width: 24 });
    for (const l of text.split('\n')) expect(l.length).toBeLessThanOrEqual(MARGIN + 24 * 2 + GAP);
    expect(text.replace(/[^x]/g, '')).toHaveLength(70);
  });

  it('sorts by step but keeps same-step events in logged order', () => {
    const text = renderTraceColumns([ev(3, 'A', 'f', 'third'), ev(1, 'B', 'g', 'first'), ev(1, 'B', 'h', 'second')], { width: 24 });
    const body = text.split('\n').slice(2);
    expect(body.map((l) => l.trim())).toEqual(['g: first', 'h: second', 'f: third']);
  });

  it('truncates with … when maxLines is set', () => {
    const text = renderTraceColumns([ev(1, 'A', 'f', 'word '.repeat(40))], { width: 24, maxLines: 2 });
    const body = text.split('\n').slice(2);
    expect(body).toHaveLength(2);
    expect(body[1]!.endsWith('…')).toBe(true);
  });

  it('picks a default width that fits ~140 columns but never below 24', () => {
    expect(defaultColumnWidth(3)).toBeGreaterThanOrEqual(24);
    expect(MARGIN + 3 * defaultColumnWidth(3) + 2 * GAP).toBeLessThanOrEqual(140);
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
  it('prints step cpu fn: event, one per line, marking the violation', () => {
    const lines = renderTraceList(DIO_FORK_TRACE, { highlightStep: 8 }).split('\n');
    expect(lines).toHaveLength(DIO_FORK_TRACE.length);
    expect(lines[0]).toMatch(/^ {3}1 P\.io\s+dio_read: dio_read buf\+0\.\.4096 fill=0x00$/);
    expect(lines[lines.length - 1]).toMatch(/^>> 8 P\.io\s+VIOLATION: lost-dio-read/);
    expect(lines.filter((l) => l.startsWith('>>'))).toHaveLength(1);
  });

  it('has no margin when nothing is highlighted', () => {
    expect(renderTraceList([ev(12, 'A', 'f', 'e')])).toBe('12 A f: e');
  });
});
