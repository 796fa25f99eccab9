import type { ResultsFile, RunResult } from '../results.js';
import { numberTrace } from '../explore/numberTrace.js';
import { describeExpected, describeOutcome, familyOf, plural, replayCommand, skipText, totals, type ReplayCommand } from './common.js';
import { eventText } from './traceColumns.js';

/**
 * results.tap in the shape kselftest prints (tools/testing/selftests/kselftest.h and
 * kselftest/runner.sh): `TAP version 13`, the plan `1..N`, `# ` diagnostics, one `ok`/`not ok` line
 * per test and, under a failure, a TAP 13 YAML block. One test per workload × strategy.
 */

/** A YAML scalar that any YAML parser reads back as this exact string: JSON strings are YAML. */
function yamlString(s: string): string {
  return JSON.stringify(s);
}

/** A test's description; `#` would start a directive and a newline would end the line. */
function description(r: RunResult): string {
  return `${r.workload} ${r.strategy}`.replace(/#/g, '\\#').replace(/\s+/g, ' ');
}

/**
 * Whether the test passes: against `expect` when the workload has one for this strategy; without
 * one, a run passes when it found nothing (so a consumer never sees a violation reported as ok).
 */
export function runPasses(r: RunResult): boolean {
  if (r.matchesExpected !== null) return r.matchesExpected;
  return r.verdict === 'pass' || r.verdict === 'skip';
}

function yamlBlock(r: RunResult, replay: ReplayCommand): string[] {
  const lines = ['  ---', `  message: ${yamlString(r.matchesExpected === false ? 'differs from expect' : r.verdict === 'error' ? 'run crashed' : 'invariant violated')}`];
  if (r.verdict === 'skip') lines.push(`  skip: ${yamlString(skipText(r))}`);
  lines.push(`  severity: ${r.verdict === 'error' ? 'error' : 'fail'}`);
  lines.push(`  expected: ${yamlString(describeExpected(r.expected))}`);
  lines.push(`  got: ${yamlString(describeOutcome(r))}`);
  if (r.verdict === 'error') {
    lines.push(`  error: ${yamlString(r.error ?? '')}`);
    if (r.errorReplay !== undefined) lines.push(`  replay: ${yamlString(replay(r.errorReplay))}`);
  }
  if (r.violations.length > 0) {
    lines.push('  violations:');
    for (const v of r.violations) {
      lines.push(`    - invariant: ${yamlString(v.invariant)}`);
      lines.push(`      message: ${yamlString(v.message)}`);
      lines.push(`      replay: ${yamlString(replay(v.replay))}`);
      const shown = numberTrace(v.trace, v.at, v.invariant);
      if (shown.at !== undefined) lines.push(`      at: ${shown.at}`);
      lines.push('      trace:');
      for (const e of shown.trace) lines.push(`        - ${yamlString(`${e.step} ${e.cpu} ${eventText(e)}`)}`);
    }
  }
  lines.push(`  executions: ${r.exploration.executions}`);
  lines.push(`  complete: ${r.exploration.complete}`);
  lines.push('  ...');
  return lines;
}

/** kselftest's ksft_test_result_skip(): `ok N name # SKIP reason`; `#` in the reason would start another directive. */
function skipDirective(r: RunResult): string {
  return ` # SKIP ${skipText(r).replace(/#/g, '\\#').replace(/\s+/g, ' ')}`;
}

export function renderTap(results: ResultsFile): string {
  const t = totals(results);
  const replay = replayCommand(results);
  const out = ['TAP version 13', `1..${results.runs.length}`];
  out.push(`# faultline: ${plural(t.runs, 'run')}, seed ${results.seed}`);
  let family = '';
  const n = { pass: 0, fail: 0, xfail: 0, skip: 0, error: 0 };
  results.runs.forEach((r, i) => {
    const f = familyOf(r.workload);
    if (f !== family) out.push(`# family: ${(family = f)}`);
    const ok = runPasses(r);
    // A skip is `ok ... # SKIP` unless the workload expected this kernel to run it (then it is a mismatch).
    if (r.verdict === 'skip' && ok) {
      n.skip++;
      out.push(`ok ${i + 1} ${description(r)}${skipDirective(r)}`);
      return;
    }
    // kselftest's xfail: the test found the failure it was written to find.
    if (ok) n[r.verdict === 'pass' ? 'pass' : 'xfail']++;
    else n[r.verdict === 'error' ? 'error' : 'fail']++;
    // kselftest_harness.h's ksft_test_result_code(): `ok N name # XFAIL reason` for an expected failure.
    const xfail = ok && r.verdict !== 'pass' ? ` # XFAIL ${describeOutcome(r).replace(/#/g, '\\#')} (expected)` : '';
    out.push(`${ok ? 'ok' : 'not ok'} ${i + 1} ${description(r)}${xfail}`);
    if (!ok) out.push(...yamlBlock(r, replay));
  });
  // kselftest's ksft_finished() summary line.
  out.push(`# Totals: pass:${n.pass} fail:${n.fail} xfail:${n.xfail} xpass:0 skip:${n.skip} error:${n.error}`);
  return `${out.join('\n')}\n`;
}
