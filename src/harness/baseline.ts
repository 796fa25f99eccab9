import type { ResultsFile, RunResult } from './results.js';
import { cellKey, describeOutcome, skipText, violatedIds } from './report/common.js';

/**
 * The gate's second question: did anything get worse since a committed results.json? Worse means a
 * run violates an invariant the baseline run did not, crashes where it did not, or no longer
 * explores its whole schedule space (a passing run that stopped at its budget proves less than it
 * did). Timings (`ms`, `startedAt`) never count: they differ on every machine.
 */
export interface Regression {
  workload: string;
  strategy: string;
  /** What the baseline had and what the run has now, in a cell's words. */
  baseline: string;
  got: string;
  why: string;
  replay?: string;
}

export interface BaselineComparison {
  regressions: Regression[];
  /** Runs that got better: the baseline is stale and `--update-baseline` would record it. */
  improvements: Regression[];
  /** Runs compared (present in both). */
  compared: number;
  /** Runs of this run that the baseline does not have. */
  unknown: number;
}

function outcome(r: RunResult): string {
  if (r.verdict === 'skip') return `skip (${skipText(r)})`;
  const complete = r.exploration.complete ? '' : ' (incomplete)';
  return `${describeOutcome(r)}${complete}`;
}

export function compareWithBaseline(current: ResultsFile, baseline: ResultsFile): BaselineComparison {
  const old = new Map(baseline.runs.map((r) => [cellKey(r.workload, r.strategy), r]));
  const out: BaselineComparison = { regressions: [], improvements: [], compared: 0, unknown: 0 };
  for (const r of current.runs) {
    const b = old.get(cellKey(r.workload, r.strategy));
    if (b === undefined) {
      out.unknown++;
      continue;
    }
    out.compared++;
    const was = new Set(violatedIds(b));
    const now = new Set(violatedIds(r));
    const added = [...now].filter((i) => !was.has(i));
    const removed = [...was].filter((i) => !now.has(i));
    const why: string[] = [];
    // Whether a kernel can run a workload at all is history (its features), not a finding: a cell
    // that turns into a skip checks nothing any more, and one that stops skipping now claims an
    // outcome for that kernel. Either way the timeline or the workload changed: a change to review.
    if (r.verdict === 'skip' && b.verdict !== 'skip') why.push(`now skipped (${skipText(r)})`);
    else if (r.verdict !== 'skip' && b.verdict === 'skip') why.push(`no longer skipped (was: ${skipText(b)})`);
    else if (r.verdict === 'skip' && b.verdict === 'skip' && skipText(r) !== skipText(b)) why.push(`skipped for another reason (was: ${skipText(b)})`);
    if (added.length > 0) why.push(`newly violates ${added.join(', ')}`);
    if (r.verdict === 'error' && b.verdict !== 'error') why.push('now crashes');
    if (b.exploration.complete && !r.exploration.complete && r.verdict !== 'skip') why.push(`exploration no longer complete (${r.exploration.executions} executions, baseline ${b.exploration.executions})`);
    const base = { workload: r.workload, strategy: r.strategy, baseline: outcome(b), got: outcome(r) };
    const replay = r.violations.find((v) => added.includes(v.invariant))?.replay ?? r.errorReplay;
    if (why.length > 0) out.regressions.push({ ...base, why: why.join('; '), ...(replay !== undefined ? { replay } : {}) });
    else {
      const better: string[] = [];
      if (removed.length > 0) better.push(`no longer violates ${removed.join(', ')}`);
      if (b.verdict === 'error' && r.verdict !== 'error') better.push('no longer crashes');
      if (!b.exploration.complete && r.exploration.complete && b.verdict !== 'skip') better.push('exploration now complete');
      if (better.length > 0) out.improvements.push({ ...base, why: better.join('; ') });
    }
  }
  return out;
}

/** What gets committed: the results without timings, so regenerating an unchanged baseline is a no-op diff. */
export function baselineOf(results: ResultsFile, previous: ResultsFile | null = null): ResultsFile {
  // Traces are for reading, not for comparing: leaving them out keeps the committed file small and
  // its diffs about outcomes.
  const strip = (r: RunResult): RunResult => {
    // Costs are not compared either (they are for the report): they would be most of the file.
    return { ...r, violations: r.violations.map((v) => ({ ...v, trace: [] })), exploration: { ...r.exploration, ms: 0 }, cost: {} };
  };
  const fresh = new Map(results.runs.map((r) => [cellKey(r.workload, r.strategy), strip(r)]));
  // A partial run (one folder, one shard) updates its own runs and keeps the rest of the baseline.
  const runs: RunResult[] = [];
  for (const r of previous?.runs ?? []) {
    const k = cellKey(r.workload, r.strategy);
    runs.push(fresh.get(k) ?? r);
    fresh.delete(k);
  }
  runs.push(...fresh.values());
  return { faultline: 1, seed: results.seed, startedAt: '', runs };
}
