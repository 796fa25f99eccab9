import chalk, { Chalk, type ChalkInstance } from 'chalk';
import type { RealReport, RealWorkload } from './real.js';

/** The terminal table of `faultline real`, then each inconsistent outcome with how to rerun it. */
export function renderRealTable(r: RealReport, o: { color: boolean }): string {
  const c: ChalkInstance = new Chalk({ level: o.color ? (Math.max(1, chalk.level) as 1 | 2 | 3) : 0 });
  const rows = r.workloads.map((w) => [w.workload, w.status, w.status === 'skip' ? '' : String(w.runs), observedCell(w), modelCell(w)]);
  const head = ['workload', 'status', 'runs', 'observed (disallowed)', 'model (never seen)'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)));
  const line = (cells: string[], paint = (s: string, _i: number) => s) => cells.map((x, i) => paint(x.padEnd(width[i]!), i)).join('  ').trimEnd();
  const out = [`real kernel ${r.kernel}, model as ${r.timeline}, ${r.runsPerWorkload} runs per workload, seed ${r.seed}`, '', c.bold(line(head))];
  for (let i = 0; i < rows.length; i++) {
    const w = r.workloads[i]!;
    out.push(line(rows[i]!, (s, j) => (j !== 1 ? s : w.status === 'consistent' ? c.green(s) : w.status === 'inconsistent' ? c.red(s) : c.gray(s))));
  }
  const skips = r.workloads.filter((w) => w.status === 'skip');
  if (skips.length) {
    out.push('', 'skipped:');
    for (const w of skips) out.push(`  ${w.workload}: ${w.skip}`);
  }
  for (const w of r.workloads.filter((x) => x.status === 'error')) out.push('', c.red(`ERROR ${w.workload}: ${w.error}`));
  for (const w of r.workloads.filter((x) => x.status === 'inconsistent')) {
    out.push('', c.red(`INCONSISTENT ${w.workload}: the kernel did what the model (${w.model?.strategy}) says cannot happen:`));
    for (const x of w.observed.filter((y) => !y.allowedByModel)) out.push(`  ${x.count}× (first in run ${x.firstRun}) ${x.outcome}`);
    if (w.reproduce) out.push(`  reproduce: ${w.reproduce}`);
  }
  const n = (s: string) => r.workloads.filter((w) => w.status === s).length;
  out.push('', `${n('consistent')} consistent, ${n('inconsistent')} inconsistent, ${n('skip')} skipped${n('error') ? `, ${n('error')} errors` : ''}`);
  return out.join('\n');
}

function observedCell(w: RealWorkload): string {
  if (w.status === 'skip') return '';
  const bad = w.observed.filter((x) => !x.allowedByModel).length;
  return `${w.observed.length}${bad ? ` (${bad})` : ''}${w.timeouts ? `, ${w.timeouts} timed out` : ''}`;
}

function modelCell(w: RealWorkload): string {
  if (w.model === undefined) return '';
  return `${w.model.outcomes} (${w.modelOnly.length})`;
}
