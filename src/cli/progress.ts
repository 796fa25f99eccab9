import type { Progress } from '../harness/Runner.js';

/** Whether to draw the live line: only for a person watching a terminal, never into logs or CI. */
export function progressWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (stream.isTTY !== true) return false;
  // GitHub Actions, GitLab, Jenkins, Buildkite... all set CI; some allocate a pseudo-terminal anyway.
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0') return false;
  return env.TERM !== 'dumb';
}

/** Whether colour is wanted: --no-color, or NO_COLOR set to anything non-empty (no-color.org). */
export function colorWanted(flag: boolean, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!flag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

export function progressText(p: Progress, seconds: number, color: boolean): string {
  const rate = seconds > 0 ? Math.round(p.executions / seconds) : 0;
  const fails = `${p.failures} failing`;
  const red = (s: string) => (color && p.failures > 0 ? `\u001b[31m${s}\u001b[39m` : s);
  return `runs ${p.done}/${p.total} · ${rate.toLocaleString('en-US')} executions/s · ${red(fails)}`;
}

/**
 * One line, rewritten in place with `\r` and erase-to-end-of-line; at most ten redraws a second so
 * a fast run does not spend its time painting. Cleared before the summary table is printed.
 */
export class ProgressLine {
  private last = 0;
  private drawn = false;
  private readonly start = Date.now();

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly color: boolean,
  ) {}

  update(p: Progress): void {
    const now = Date.now();
    if (p.done < p.total && now - this.last < 100) return;
    this.last = now;
    this.stream.write(`\r\u001b[K${progressText(p, (now - this.start) / 1000, this.color)}`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}
