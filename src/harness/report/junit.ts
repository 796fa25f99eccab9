import type { ResultsFile, RunResult } from '../results.js';
import { describeExpected, describeOutcome, replayCommand, skipText, workloadsOf, type ReplayCommand } from './common.js';
import { runPasses } from './tap.js';
import { renderTraceList } from './traceColumns.js';

/**
 * junit.xml in the Ant/Jenkins shape that GitLab, Jenkins and the GitHub test-report actions read:
 * one testsuite per workload, one testcase per strategy. A testcase fails when the run differs from
 * the workload's `expect` (the gate's question); the failure carries each counterexample's trace.
 */

/** XML 1.0 forbids most control characters even when escaped; a trace never needs them. */
// eslint-disable-next-line no-control-regex
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(s: string): string {
  return s
    .replace(ILLEGAL, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** The Ant schema's timestamp has no zone and no fraction. */
function antTimestamp(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? m[1]! : '1970-01-01T00:00:00';
}

function counterexampleText(r: RunResult, replay: ReplayCommand): string {
  const parts: string[] = [];
  for (const v of r.violations) {
    parts.push(
      [`${v.invariant}: ${v.message}`, `replay: ${replay(v.replay)}`, '', renderTraceList(v.trace, { highlightStep: v.at, invariant: v.invariant })].join('\n'),
    );
  }
  if (r.verdict === 'error') parts.push([`error: ${r.error ?? ''}`, ...(r.errorReplay ? [`replay: ${replay(r.errorReplay)}`] : [])].join('\n'));
  return parts.join('\n\n');
}

function testcase(r: RunResult, replay: ReplayCommand): string {
  const head = `    <testcase${attrs({ name: r.strategy, classname: r.workload.replace(/\//g, '.'), time: seconds(r.exploration.ms) })}`;
  const body: string[] = [];
  const text = counterexampleText(r, replay);
  if (r.verdict === 'skip' && runPasses(r)) {
    body.push(`      <skipped${attrs({ message: `${r.strategy} lacks ${skipText(r)}` })}/>`);
  } else if (!runPasses(r)) {
    const got = `${describeOutcome(r)}${r.verdict === 'skip' ? ` (${skipText(r)})` : ''}`;
    const message = r.expected === null ? `found ${got}` : `expected ${describeExpected(r.expected)}, got ${got}`;
    const tag = r.verdict === 'error' ? 'error' : 'failure';
    const type = r.verdict === 'error' ? 'error' : (r.violations[0]?.invariant ?? 'mismatch');
    body.push(`      <${tag}${attrs({ message, type })}>${xmlEscape(text)}</${tag}>`);
  } else if (text.length > 0) {
    // Expected violations are passes, but the trace stays one click away in the CI's test view.
    body.push(`      <system-out>${xmlEscape(text)}</system-out>`);
  }
  return body.length === 0 ? `${head}/>` : [`${head}>`, ...body, '    </testcase>'].join('\n');
}

export function renderJunit(results: ResultsFile): string {
  const count = (runs: readonly RunResult[]) => ({
    tests: runs.length,
    failures: runs.filter((r) => !runPasses(r) && r.verdict !== 'error').length,
    errors: runs.filter((r) => !runPasses(r) && r.verdict === 'error').length,
    skipped: runs.filter((r) => r.verdict === 'skip' && runPasses(r)).length,
  });
  const replay = replayCommand(results);
  const ms = (runs: readonly RunResult[]) => runs.reduce((a, r) => a + r.exploration.ms, 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attrs({ name: 'faultline', ...count(results.runs), time: seconds(ms(results.runs)) })}>`];
  workloadsOf(results.runs).forEach((w, id) => {
    const runs = results.runs.filter((r) => r.workload === w);
    const c = count(runs);
    out.push(`  <testsuite${attrs({ name: w, id, package: w.split('/')[0]!, tests: c.tests, failures: c.failures, errors: c.errors, skipped: c.skipped, time: seconds(ms(runs)), timestamp: antTimestamp(results.startedAt), hostname: 'faultline' })}>`);
    out.push(`    <properties>`, `      <property${attrs({ name: 'seed', value: results.seed })}/>`, '    </properties>');
    out.push(...runs.map((r) => testcase(r, replay)));
    // The Ant schema requires both, even empty.
    out.push('    <system-out/>', '    <system-err/>', '  </testsuite>');
  });
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
