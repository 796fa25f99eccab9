import type { TraceEvent } from '../../core/trace.js';
import { numberTrace } from '../explore/numberTrace.js';
import { COST_CSS, costClaimsHtml, costDifferencesHtml, largestPoints } from './cost.js';
import { realSectionHtml } from '../real/reportSections.js';
import type { ResultsFile, RunResult, ViolationResult } from '../results.js';
import { cellKey, describeExpected, describeOutcome, familyOf, groupByFamily, plural, replayCommand, runIndex, skipText, strategiesOf, totals, uniqueInOrder, violatedIds, workloadsOf, countingNote, groupCounterexamples, stepsNote, violatingShare, type CounterexampleGroup, type ReplayCommand } from './common.js';
import { summaryLine } from './markdown.js';
import { abbreviations, ERROR_CELL, OK_CELL, SKIP_CELL } from './terminal.js';
import { traceThreads } from './traceColumns.js';

/**
 * report.html: one file, no network. Everything is rendered here as static HTML and SVG, so the
 * page reads the same with scripts off; the small inline script only adds the filters and opens a
 * trace when its grid cell is clicked.
 */

export interface HtmlOptions {
  title?: string;
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

type CellKind = 'pass' | 'xfail' | 'fail' | 'error' | 'skip' | 'none';

/** An expected failure (kselftest's XFAIL) is the finding the workload exists to show: not red. */
function kindOf(r: RunResult): CellKind {
  if (r.verdict === 'error') return 'error';
  if (r.verdict === 'skip') return 'skip';
  if (r.verdict === 'pass' && r.violations.length === 0) return 'pass';
  return r.matchesExpected === true ? 'xfail' : 'fail';
}

// ---------------------------------------------------------------------------------------------
// Matrix

function gridTable(runs: readonly RunResult[], strategies: readonly string[], abbrev: ReadonlyMap<string, string>, anchor: ReadonlyMap<RunResult, string>): string {
  const index = runIndex(runs);
  const head = `<tr><th class="wl">workload</th>${strategies.map((s) => `<th data-strategy="${esc(s)}"><span>${esc(s)}</span></th>`).join('')}</tr>`;
  const rows = workloadsOf(runs).map((w) => {
    const cells = strategies.map((s) => {
      const r = index.get(cellKey(w, s));
      if (r === undefined) return `<td class="cell none" data-strategy="${esc(s)}" title="not run">–</td>`;
      const kind = kindOf(r);
      const mismatch = r.matchesExpected === false;
      const ids = violatedIds(r);
      const text = kind === 'error' ? ERROR_CELL : kind === 'skip' ? SKIP_CELL : kind === 'pass' ? OK_CELL : ids.map((i) => abbrev.get(i)!).join(' ') || 'FAIL';
      const why = kind === 'skip' ? `\nskipped: ${s} lacks ${skipText(r)}` : '';
      const title = `${w} × ${s}\ngot: ${describeOutcome(r)}${why}\nexpected: ${describeExpected(r.expected)}${mismatch ? '\n⚠ differs from expect' : ''}`;
      const cls = `cell ${kind}${mismatch ? ' mismatch' : ''}`;
      const a = anchor.get(r);
      const inner = a !== undefined ? `<a href="#${a}">${esc(text)}</a>` : esc(text);
      const reason = kind === 'skip' ? ` data-skip="${esc(skipText(r))}"` : '';
      return `<td class="${cls}" data-strategy="${esc(s)}"${reason} title="${esc(title)}">${inner}${mismatch ? '<b class="flag" aria-label="differs from expect">!</b>' : ''}</td>`;
    });
    return `<tr><th class="wl" title="${esc(w)}">${esc(w.slice(w.indexOf('/') + 1))}</th>${cells.join('')}</tr>`;
  });
  return `<table class="grid"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

// ---------------------------------------------------------------------------------------------
// Swim lanes

/**
 * The events at which the schedule switched threads: the last event before another thread runs and
 * the first one after. In a minimised counterexample these interleavings are what make the race.
 * Indices into `events` (in step order); the detection events are marked separately.
 */
export function racingEvents(events: readonly TraceEvent[]): Set<number> {
  const out = new Set<number>();
  let prev = -1;
  events.forEach((e, i) => {
    if (e.fn === 'VIOLATION') return;
    if (prev >= 0 && events[prev]!.cpu !== e.cpu) {
      out.add(prev);
      out.add(i);
    }
    prev = i;
  });
  return out;
}

function eventHtml(e: TraceEvent): string {
  if (e.event === e.fn || e.event.startsWith(`${e.fn} `)) {
    const rest = e.event.slice(e.fn.length);
    return `<code class="fn">${esc(e.fn)}</code>${esc(rest)}`;
  }
  return `<code class="fn">${esc(e.fn)}</code> ${esc(e.event)}`;
}

/** Swim lanes, one per thread, the events numbered 1..n as in every other format (numberTrace). */
export function swimLanes(trace: readonly TraceEvent[], atStep: number | undefined, invariant?: string): string {
  if (trace.length === 0) return '<p>(empty trace)</p>';
  const threads = traceThreads(trace);
  const { trace: events, at } = numberTrace(trace, atStep, invariant);
  const mark = at === undefined ? -1 : at - 1;
  const racing = racingEvents(events);
  const lane = new Map(threads.map((t, i) => [t, i]));
  const head = `<tr><th class="step">step</th>${threads.map((t) => `<th class="lane">${esc(t)}</th>`).join('')}</tr>`;
  const rows = events.map((e, i) => {
    const cls = [i === mark ? 'hit' : '', racing.has(i) ? 'race' : '', e.fn === 'VIOLATION' ? 'violation' : ''].filter(Boolean).join(' ');
    const cells = threads.map((_, j) => (j === lane.get(e.cpu) ? `<td class="ev">${eventHtml(e)}</td>` : '<td></td>'));
    return `<tr${cls ? ` class="${cls}"` : ''}><td class="step">${e.step}</td>${cells.join('')}</tr>`;
  });
  return `<table class="lanes" style="--lanes:${threads.length}"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** One distinct counterexample, listing every strategy and kernel whose run reached this very trace. */
function counterexample(g: CounterexampleGroup, id: string, replay: ReplayCommand): string {
  const { run: r, violation: v } = g.first;
  const unexpected = g.members.filter((m) => m.run.expected !== null && !m.run.expected.includes(m.violation.invariant));
  const expectNote = unexpected.length > 0 ? '<span class="tag bad">not expected</span>' : g.members.some((m) => m.run.expected !== null) ? '<span class="tag ok">expected</span>' : '';
  const who = g.members.map((m) => {
    const share = violatingShare(m.run, m.violation);
    return `<li><code>${esc(m.run.strategy)}</code>${share !== null ? ` <span class="share">${esc(share)}</span>` : ''}${unexpected.includes(m) ? ' <span class="tag bad">not expected</span>' : ''}</li>`;
  });
  const counting = violatingShare(r, v) !== null ? `<p class="meta">executions that violated it, of those explored (${esc(countingNote(r))})</p>` : '';
  return (
    `<details class="cx" id="${id}" data-family="${esc(familyOf(r.workload))}" data-strategies="${esc(g.members.map((m) => m.run.strategy).join(' '))}">` +
    `<summary><span class="inv">${esc(v.invariant)}</span> <span class="who">${esc(r.workload)} × ${esc(g.members.length === 1 ? r.strategy : `${r.strategy} and ${g.members.length - 1} more`)}</span> ${expectNote}<span class="msg">${esc(v.message)}</span></summary>` +
    `<div class="body"><ul class="members">${who.join('')}</ul>${counting}<p class="meta">${esc(stepsNote(v))} · <code class="replay">${esc(replay(v.replay))}</code>${g.members.length > 1 ? ' (the same schedule replays on the others: put their name in place of the strategy)' : ''}</p>` +
    swimLanes(v.trace, v.at, v.invariant) +
    `</div></details>`
  );
}

function errorEntry(r: RunResult, id: string, replay: ReplayCommand): string {
  return (
    `<details class="cx err" id="${id}" data-family="${esc(familyOf(r.workload))}" data-strategy="${esc(r.strategy)}">` +
    `<summary><span class="inv">error</span> <span class="who">${esc(r.workload)} × ${esc(r.strategy)}</span></summary>` +
    `<div class="body"><pre>${esc(r.error ?? '(no message)')}</pre>${r.errorReplay ? `<p class="meta"><code class="replay">${esc(replay(r.errorReplay))}</code></p>` : ''}</div></details>`
  );
}

// ---------------------------------------------------------------------------------------------
// Page

const CSS = `
:root{--pass:#d7f0d8;--pass-ink:#1b5e20;--fail:#f9d4d2;--fail-ink:#9b1c1c;--err:#ffe7b3;--err-ink:#7a4b00;--xfail:#e3e8f4;--xfail-ink:#2c3e66;--skip:#e4e6ea;--skip-ink:#59606b;--line:#d0d4da;--muted:#5f6b7a;--race:#fff3c4;--hit:#ffd0cc}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d232b;background:#fafbfc}
header,main{max-width:1400px;margin:0 auto;padding:0 20px}
header{padding-top:16px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.summary{color:var(--muted);margin:0 0 8px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
#filters{display:flex;flex-wrap:wrap;gap:12px;position:sticky;top:0;background:#fafbfc;padding:8px 20px;border-bottom:1px solid var(--line);z-index:2;max-width:none}
#filters fieldset{border:1px solid var(--line);border-radius:6px;padding:4px 10px;margin:0;display:flex;flex-wrap:wrap;gap:2px 10px;align-items:center}
#filters legend{font-weight:600;font-size:12px;color:var(--muted)}
#filters label{font-size:12.5px;white-space:nowrap;cursor:pointer}
#filters button{font-size:12px}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12.5px;color:var(--muted);margin:6px 0}
.legend .cell{display:inline-block;min-width:34px;text-align:center;border-radius:3px;padding:0 4px}
table.grid{border-collapse:separate;border-spacing:2px;font-size:12.5px}
table.grid th{font-weight:600;text-align:left;white-space:nowrap}
table.grid thead th{vertical-align:bottom;height:120px}
table.grid thead th[data-strategy] span{display:inline-block;writing-mode:vertical-rl;transform:rotate(180deg);font-family:ui-monospace,monospace;font-size:12px}
table.grid th.wl{padding-right:8px;font-family:ui-monospace,monospace;font-weight:500}
.cell{text-align:center;min-width:46px;padding:3px 4px;border-radius:3px;font-family:ui-monospace,monospace;font-size:11.5px;position:relative}
.cell a{color:inherit;text-decoration:none}
.cell a:hover{text-decoration:underline}
.pass{background:var(--pass);color:var(--pass-ink)}
.fail{background:var(--fail);color:var(--fail-ink);font-weight:600}
.xfail{background:var(--xfail);color:var(--xfail-ink)}
.error{background:var(--err);color:var(--err-ink);font-weight:600}
.none{color:#aaa}
.skip{background:var(--skip);color:var(--skip-ink)}
.mismatch{outline:2px solid #111;outline-offset:-2px}
.flag{position:absolute;top:-3px;right:1px;font-size:11px;color:#111}
svg text{font:11px ui-monospace,monospace;fill:#333}
details.cx{background:#fff;border:1px solid var(--line);border-radius:6px;margin:6px 0}
ul.members{display:flex;flex-wrap:wrap;gap:4px 14px;list-style:none;padding:0;margin:4px 0}.share{color:var(--muted);font-size:11.5px}
details.cx>summary{cursor:pointer;padding:6px 10px;list-style-position:outside}
details.cx[open]>summary{border-bottom:1px solid var(--line)}
details.cx .inv{font-family:ui-monospace,monospace;font-weight:700;color:var(--fail-ink)}
details.cx .who{font-family:ui-monospace,monospace}
details.cx .msg{display:block;color:var(--muted);font-size:12.5px}
details.cx .body{padding:8px 10px;overflow-x:auto}
.tag{font-size:11px;border-radius:8px;padding:0 6px;margin-left:4px}
.tag.ok{background:#e6e9ee;color:#444}.tag.bad{background:#111;color:#fff}
.meta{margin:0 0 8px;color:var(--muted)}
table.lanes{border-collapse:collapse;width:100%;table-layout:fixed;font-size:12px}
table.lanes th,table.lanes td{padding:2px 8px;vertical-align:top}
table.lanes th.lane{background:#eef1f5;font-family:ui-monospace,monospace;text-align:left;border-left:3px solid #9aa7b8}
table.lanes td{border-left:3px solid #e3e7ec}
table.lanes td.step,table.lanes th.step{width:44px;text-align:right;color:var(--muted);border-left:none;font-family:ui-monospace,monospace}
table.lanes td.ev{background:#f6f8fa;border-left-color:#9aa7b8}
table.lanes code.fn{font-weight:700;color:#0b4f8a}
table.lanes tr.race td.ev{background:var(--race);border-left-color:#e0a800}
table.lanes tr.hit td.ev,table.lanes tr.violation td.ev{background:var(--hit);border-left-color:#c62828}
table.lanes tr.violation code.fn{color:#c62828}
.hidden{display:none!important}
@media print{#filters{display:none}details.cx{break-inside:avoid}}
`;

const SCRIPT = `
(function(){
  var form=document.getElementById('filters');
  function checked(kind){var s={};form.querySelectorAll('input[data-kind="'+kind+'"]').forEach(function(i){s[i.value]=i.checked;});return s;}
  function apply(){
    var fam=checked('family'),str=checked('strategy');
    document.querySelectorAll('[data-family]').forEach(function(el){if(el.tagName!=='INPUT'){el.classList.toggle('hidden',fam[el.dataset.family]===false||(el.dataset.strategy!==undefined&&str[el.dataset.strategy]===false)||(el.dataset.strategies!==undefined&&el.dataset.strategies.split(' ').every(function(s){return str[s]===false;})));}});
    document.querySelectorAll('table.grid [data-strategy], table.claim-table [data-strategy]').forEach(function(el){el.classList.toggle('hidden',str[el.dataset.strategy]===false);});
  }
  form.addEventListener('change',apply);
  form.querySelectorAll('button[data-all]').forEach(function(b){b.addEventListener('click',function(ev){ev.preventDefault();var on=b.dataset.all==='on';form.querySelectorAll('input[data-kind="'+b.dataset.kind+'"]').forEach(function(i){i.checked=on;});apply();});});
  function openHash(){var id=location.hash.slice(1);if(!id)return;var d=document.getElementById(id);if(d&&d.tagName==='DETAILS'){d.classList.remove('hidden');d.open=true;d.scrollIntoView({block:'start'});}}
  window.addEventListener('hashchange',openHash);openHash();
})();
`;

function filters(families: readonly string[], strategies: readonly string[]): string {
  const box = (kind: string, v: string) => `<label><input type="checkbox" data-kind="${kind}" value="${esc(v)}" checked> ${esc(v)}</label>`;
  const group = (kind: string, legend: string, values: readonly string[]) =>
    `<fieldset><legend>${legend}</legend>${values.map((v) => box(kind, v)).join('')}` +
    `<button type="button" data-kind="${kind}" data-all="on">all</button><button type="button" data-kind="${kind}" data-all="off">none</button></fieldset>`;
  return `<form id="filters">${group('family', 'Family', families)}${group('strategy', 'Strategy', strategies)}</form>`;
}

function legend(abbrev: ReadonlyMap<string, string>): string {
  const items = [`<span><span class="cell pass">${OK_CELL}</span> pass</span>`];
  for (const [id, a] of abbrev) items.push(`<span><span class="cell xfail">${esc(a)}</span> ${esc(id)}</span>`);
  items.push('<span><span class="cell xfail">X</span> failure the workload expects</span>', '<span><span class="cell fail">X</span> failure it does not expect</span>');
  items.push(`<span><span class="cell error">${ERROR_CELL}</span> run crashed</span>`);
  items.push(`<span><span class="cell skip">${SKIP_CELL}</span> skipped: the kernel lacks a feature the workload needs (hover for which)</span>`);
  items.push('<span><span class="cell fail mismatch">X<b class="flag">!</b></span> differs from the workload\'s expect</span>');
  return `<div class="legend">${items.join('')}</div>`;
}

export function renderHtml(results: ResultsFile, opts: HtmlOptions = {}): string {
  const title = opts.title ?? 'faultline report';
  const runs = results.runs;
  const strategies = strategiesOf(runs);
  const families = uniqueInOrder(runs.map((r) => familyOf(r.workload)));
  const abbrev = abbreviations(uniqueInOrder(runs.flatMap(violatedIds)));
  const groups = groupCounterexamples(largestPoints(runs));
  const anchor = new Map<RunResult, string>();
  groups.forEach((g, k) => {
    for (const m of g.members) if (!anchor.has(m.run)) anchor.set(m.run, `cx-${k}`);
  });
  runs.forEach((r, i) => {
    if (r.verdict === 'error') anchor.set(r, `err-${i}`);
  });
  const t = totals(results);

  const body: string[] = [];
  if (results.real !== undefined) body.push(realSectionHtml(results.real));
  body.push('<h2 id="outcomes">Outcomes</h2>', legend(abbrev));
  const byFamily = groupByFamily(runs);
  for (const [family, fr] of byFamily) {
    const present = new Set(strategiesOf(fr));
    const cols = strategies.filter((s) => present.has(s));
    body.push(`<section class="family" data-family="${esc(family)}"><h3>${esc(family)}</h3>${gridTable(fr, cols, abbrev, anchor)}</section>`);
  }
  body.push('<h2 id="cost">Cost where the strategies differ</h2>', '<p class="summary">Per workload, the candidate strategies that pay more or less than most, by the median execution (a series at its largest point). Ticks: a thread\'s step is one (docs/cost.md).</p>');
  for (const [family, fr] of byFamily) {
    body.push(`<section class="family" data-family="${esc(family)}"><h3>${esc(family)}</h3>${costDifferencesHtml(fr)}</section>`);
  }
  const claims = costClaimsHtml(runs);
  if (claims !== null) body.push(claims);
  const replay = replayCommand(results);
  const cx: string[] = [];
  groups.forEach((g, k) => cx.push(counterexample(g, `cx-${k}`, replay)));
  runs.forEach((r, i) => {
    if (r.verdict === 'error') cx.push(errorEntry(r, `err-${i}`, replay));
  });
  body.push(
    `<h2 id="counterexamples">Counterexamples <small class="summary">(${plural(cx.length, 'entry', 'entries')}, one per distinct trace; click one to see its swim lanes: <span class="legend-race">amber</span> = a thread switch the race needs, red = where the invariant broke)</small></h2>`,
  );
  body.push(cx.length === 0 ? '<p>None: no run violated an invariant.</p>' : cx.join('\n'));

  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}${COST_CSS}</style></head><body>`,
    `<header><h1>${esc(title)}</h1><p class="summary">${esc(summaryLine(results))}</p>`,
    `<p class="summary">${t.mismatches === 0 ? 'Every run with an expectation matched it.' : `<strong>${plural(t.mismatches, 'run')} differ from the workloads' expect.</strong>`}</p></header>`,
    filters(families, strategies),
    `<main>${body.join('\n')}</main>`,
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
