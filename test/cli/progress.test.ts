import { describe, expect, it } from 'vitest';
import { colorWanted, ProgressLine, progressText, progressWanted } from '../../src/cli/progress.js';

describe('progress line', () => {
  it('is drawn only on a terminal outside CI', () => {
    expect(progressWanted({ isTTY: true }, {})).toBe(true);
    expect(progressWanted({ isTTY: false }, {})).toBe(false);
    expect(progressWanted({}, {})).toBe(false);
    expect(progressWanted({ isTTY: true }, { CI: 'true' })).toBe(false);
    expect(progressWanted({ isTTY: true }, { CI: '1' })).toBe(false);
    expect(progressWanted({ isTTY: true }, { CI: 'false' })).toBe(true);
    expect(progressWanted({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });

  it('says runs done of total, executions per second and failures so far', () => {
    expect(progressText({ done: 3, total: 24, executions: 12000, failures: 2 }, 2, false)).toBe('runs 3/24 · 6,000 executions/s · 2 failing');
  });

  it('colours only when asked, honouring NO_COLOR and --no-color', () => {
    expect(progressText({ done: 1, total: 2, executions: 1, failures: 1 }, 1, true)).toContain('\u001b[31m');
    expect(colorWanted(true, { isTTY: true }, {})).toBe(true);
    expect(colorWanted(true, { isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorWanted(true, { isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorWanted(false, { isTTY: true }, {})).toBe(false);
    expect(colorWanted(true, { isTTY: false }, {})).toBe(false);
  });

  it('rewrites one line in place and erases it when done', () => {
    let written = '';
    const line = new ProgressLine({ write: (s: string) => ((written += s), true) } as unknown as NodeJS.WritableStream, false);
    line.update({ done: 1, total: 2, executions: 5, failures: 0 });
    line.update({ done: 2, total: 2, executions: 9, failures: 1 });
    line.clear();
    expect(written).not.toContain('\n');
    expect(written.startsWith('\r\u001b[Kruns 1/2')).toBe(true);
    expect(written).toContain('\r\u001b[Kruns 2/2');
    expect(written.endsWith('\r\u001b[K')).toBe(true);
  });
});
