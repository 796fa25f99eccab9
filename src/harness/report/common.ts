import type { ResultsFile, RunResult, ViolationResult } from '../results.js';
import { numberTrace } from '../explore/numberTrace.js';

/** The family is the workload id's first path segment (`gup-cow/bug1-dio-read-get` → `gup-cow`). */
export function familyOf(workload: string): string {
  const i = workload.indexOf('/');
  return i < 0 ? workload : workload.slice(0, i);
}

export function uniqueInOrder<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}

/** Strategies in order of first appearance, so the columns follow the order the user asked for them. */
export function strategiesOf(runs: readonly RunResult[]): string[] {
  return uniqueInOrder(runs.map((r) => r.strategy));
}

export function workloadsOf(runs: readonly RunResult[]): string[] {
  return uniqueInOrder(runs.map((r) => r.workload));
}

export function groupByFamily(runs: readonly RunResult[]): Map<string, RunResult[]> {
  const m = new Map<string, RunResult[]>();
  for (const r of runs) {
    const f = familyOf(r.workload);
    let list = m.get(f);
    if (list === undefined) m.set(f, (list = []));
    list.push(r);
  }
  return m;
}

/** First run per workload × strategy; a duplicate (e.g. from merged shards) would only repeat it. */
export function runIndex(runs: readonly RunResult[]): Map<string, RunResult> {
  const m = new Map<string, RunResult>();
  for (const r of runs) {
    const k = cellKey(r.workload, r.strategy);
    if (!m.has(k)) m.set(k, r);
  }
  return m;
}

export function cellKey(workload: string, strategy: string): string {
  // A NUL cannot occur in a workload path or a strategy name, so keys cannot collide.
  return `${workload}\u0000${strategy}`;
}

/** Invariants a run found, deduplicated: two violations of one invariant are one fact in a matrix. */
export function violatedIds(r: RunResult): string[] {
  return uniqueInOrder(r.violations.map((v) => v.invariant));
}

/** A skipped run's reason, or '' (old results files have none). */
export function skipText(r: RunResult): string {
  return r.verdict === 'skip' ? (r.skip ?? 'the kernel lacks a feature the workload needs') : '';
}

/** What the workload's `expect` said, in the same words a cell uses. */
export function describeExpected(expected: readonly string[] | null): string {
  if (expected === null) return 'nothing';
  return expected.length === 0 ? 'pass' : expected.join(', ');
}

export function describeOutcome(r: RunResult): string {
  if (r.verdict === 'error') return 'error';
  if (r.verdict === 'skip') return 'skip';
  const ids = violatedIds(r);
  if (ids.length > 0) return ids.join(', ');
  return r.verdict === 'fail' ? 'fail' : 'pass';
}

export interface Totals {
  runs: number;
  pass: number;
  fail: number;
  /** Failures the workload's expect names (kselftest's XFAIL): findings, not alarms. */
  xfail: number;
  error: number;
  /** Runs a named kernel could not make (it lacks a feature the workload needs). */
  skip: number;
  mismatches: number;
  /** Runs whose workload has no `expect` for this strategy. */
  noExpect: number;
}

export function totals(results: ResultsFile): Totals {
  const t: Totals = { runs: results.runs.length, pass: 0, fail: 0, xfail: 0, error: 0, skip: 0, mismatches: 0, noExpect: 0 };
  for (const r of results.runs) {
    t[r.verdict]++;
    if (r.matchesExpected === false) t.mismatches++;
    if (r.verdict === 'fail' && r.matchesExpected === true) t.xfail++;
    if (r.expected === null) t.noExpect++;
  }
  return t;
}

/** The command that replays a token, with the --strategies-from modules the run loaded. */
export type ReplayCommand = (token: string) => string;

export function replayCommand(results: Pick<ResultsFile, 'strategiesFrom'>): ReplayCommand {
  const from = results.strategiesFrom?.length ? ` --strategies-from ${results.strategiesFrom.join(' ')}` : '';
  return (token) => `faultline replay ${token}${from}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * How a report marks up the pieces of its sentences: report.md writes names as code spans and
 * escapes the rest, report.txt prints both as they are. The sentences themselves are written
 * once, here and in cost.ts, so the formats cannot drift apart.
 */
export interface Inline {
  code(s: string): string;
  text(s: string): string;
  strong(s: string): string;
}

export const PLAIN: Inline = { code: (s) => s, text: (s) => s, strong: (s) => s };

/** One counterexample and every run that reached it: the same workload, invariant and trace. */
export interface CounterexampleGroup {
  workload: string;
  invariant: string;
  /** The first member's violation (message, trace, replay); the others' differ only in strategy. */
  first: { run: RunResult; violation: ViolationResult };
  members: { run: RunResult; violation: ViolationResult }[];
}

/**
 * Counterexamples grouped by identical trace, in run order: a kernel that is a composition of a
 * strategy reaches that strategy's counterexample word for word, and printing it once per kernel
 * is what made report.md of the default comparison 1.2 MB for 100 distinct races.
 */
export function groupCounterexamples(runs: readonly RunResult[]): CounterexampleGroup[] {
  const groups = new Map<string, CounterexampleGroup>();
  for (const run of runs) {
    if (run.verdict !== 'fail') continue;
    for (const violation of run.violations) {
      const key = JSON.stringify([run.workload, violation.invariant, violation.message, violation.at, violation.trace.map((e) => [e.step, e.cpu, e.fn, e.event])]);
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { workload: run.workload, invariant: violation.invariant, first: { run, violation }, members: [] }));
      g.members.push({ run, violation });
    }
  }
  return [...groups.values()];
}

/**
 * Where in the shown trace the invariant broke, in the trace's own step numbers (1..n, as every
 * format prints them): `preemptions 1 · found at step 19 of 20`. The scheduler's count of steps
 * (results.json `steps`, what the shrinker minimises) is not shown beside it: it counts steps that
 * log nothing, so it would not match the numbered rows.
 */
export function stepsNote(v: ViolationResult): string {
  const { trace, at } = numberTrace(v.trace, v.at, v.invariant);
  const where = at === undefined ? `${plural(trace.length, 'step')} shown` : `found at step ${at} of ${trace.length}`;
  return `preemptions ${v.preemptions} · ${where}`;
}

/** `12 of 1,137 executions` violated it, in the explorer's own counting; null for older results. */
export function violatingShare(r: RunResult, v: ViolationResult): string | null {
  if (v.executions === undefined) return null;
  return `${v.executions.toLocaleString('en-US')} of ${r.exploration.executions.toLocaleString('en-US')}`;
}

/**
 * Who reached a counterexample: `Reached, with this very trace, by 2: v5.19 (276 of 2,657),
 * v2.6.32 (239 of 2,643).`, each run's share of violating executions, and a run whose expect does
 * not name the invariant flagged.
 */
export function reachedBy(g: CounterexampleGroup, f: Inline, notExpected: string): string {
  const who = g.members.map(({ run: r, violation: x }) => {
    const share = violatingShare(r, x);
    const unexpected = r.expected !== null && !r.expected.includes(x.invariant);
    return `${f.code(r.strategy)}${share !== null ? ` (${share})` : ''}${unexpected ? ` ${notExpected}` : ''}`;
  });
  return `${g.members.length === 1 ? 'Reached by' : `Reached, with this very trace, by ${g.members.length}`}: ${who.join(', ')}.`;
}

/** The replay command of a group's first member, and how to replay it on the others (or null). */
export function replayLine(g: CounterexampleGroup, replay: ReplayCommand, f: Inline): { command: string; others: string | null } {
  const { run, violation: v } = g.first;
  const others = g.members.length > 1 ? `(the same schedule replays on the others: put their name in place of ${f.code(run.strategy)})` : null;
  return { command: `replay: ${f.code(replay(v.replay))}`, others };
}

/** What the shares count, or null for results without them. */
export function countsLine(g: CounterexampleGroup): string | null {
  const { run, violation: v } = g.first;
  return violatingShare(run, v) !== null ? `Counts: executions that violated it, of those explored (${countingNote(run)}).` : null;
}

/** How the run's explorer counts executions, for the reader of those shares. */
export function countingNote(r: RunResult): string {
  if (r.exploration.reduction === 'dpor') return 'DPOR: one execution per class of equivalent interleavings';
  if (r.exploration.reduction === 'none') return 'every interleaving within the preemption bound';
  return `${r.exploration.mode} sampling: one per sampled schedule`;
}
