/**
 * The cost half of report.md and report.html: the cost claims of the threads, checked against the
 * explored figures, with a chart per series; and per family, where the candidate strategies pay
 * differently, in words and units. Rendered from results.json alone.
 */
import type { RunResult } from '../results.js';
import { analyseClaims, costDifferences, type ClaimResult, type CostDifference } from '../cost/analysis.js';
import { METRICS, metricWords, withUnit } from '../cost/metrics.js';
import { MARKDOWN, code, escapeInline, table, type Align } from './markdown.js';
import { uniqueInOrder, type Inline } from './common.js';

const KERNEL_NAME = /^v\d/;

function metricsOf(runs: readonly RunResult[]): string[] {
  const present = uniqueInOrder(runs.flatMap((r) => Object.keys(r.cost)));
  return [...Object.keys(METRICS).filter((m) => present.includes(m)), ...present.filter((m) => !(m in METRICS))];
}

/** "2 pages copied more" / "+3 ticks of fork wait": how much more, in the metric's own words. */
export function describeDifference(d: CostDifference, f: Inline = MARKDOWN): string {
  const words = metricWords(d.metric);
  const parts = d.others.map((o) => {
    const delta = o.value - d.usual;
    const who = o.strategies.map((s) => f.code(s)).join(', ');
    const amount = withUnit(d.metric, Math.abs(delta));
    return `${who} ${o.strategies.length === 1 ? 'pays' : 'pay'} ${amount} ${delta > 0 ? 'more' : 'less'} (${withUnit(d.metric, o.value)})`;
  });
  return `${f.strong(f.text(words))}: ${withUnit(d.metric, d.usual)} for ${d.usualCount === 1 ? 'one strategy' : `${d.usualCount} strategies`}; ${parts.join('; ')}`;
}

export const SAME_COST = 'Every candidate strategy that ran paid the same on every workload (median execution).';
export const COST_DIFFERENCES_INTRO = 'Where the candidate strategies pay differently, by the median execution (a series at its largest point; kernels in results.json). Ticks: see docs/cost.md.';

/** The workloads on which the candidate strategies pay differently, each with its differences. */
export function costDifferencesByWorkload(runs: readonly RunResult[]): Map<string, CostDifference[]> {
  const byWorkload = new Map<string, CostDifference[]>();
  for (const d of costDifferences(runs, metricsOf(runs))) byWorkload.set(d.workload, [...(byWorkload.get(d.workload) ?? []), d]);
  return byWorkload;
}

/** Per family: the workloads on which the candidate strategies pay differently. */
export function costDifferencesMarkdown(runs: readonly RunResult[]): string {
  const byWorkload = costDifferencesByWorkload(runs);
  if (byWorkload.size === 0) return SAME_COST;
  const out = [COST_DIFFERENCES_INTRO];
  for (const [w, ds] of byWorkload) out.push(`- ${code(w)}\n${ds.map((d) => `  - ${describeDifference(d)}`).join('\n')}`);
  return out.join('\n\n');
}

function statusMark(c: ClaimResult): string {
  return c.status === 'confirmed' ? '✓ confirmed' : c.status === 'not confirmed' ? '✗ not confirmed' : '? not measured';
}

/** Rows of a claim's table: candidates first, kernels only where they differ from every candidate. */
function claimRows(c: ClaimResult) {
  const candidates = c.rows.filter((r) => !KERNEL_NAME.test(r.strategy));
  const seen = new Set(candidates.map((r) => JSON.stringify(r.values)));
  const kernels = c.rows.filter((r) => KERNEL_NAME.test(r.strategy) && r.values.some((v) => v !== null) && !seen.has(JSON.stringify(r.values)));
  return [...candidates, ...kernels];
}

/** What one step of a series parameter is, for "1 per page". */
function perUnit(param: string): string {
  const words: Record<string, string> = { io: 'tick of I/O', think: 'tick the monitor thinks', pages: 'page', threads: 'thread', forks: 'fork' };
  return words[param] ?? `unit of ${param}`;
}

function growthText(c: ClaimResult, r: ClaimResult['rows'][number]): string {
  if (r.livelock) return 'no bound (livelock)';
  if (r.growth === null) return '';
  if (r.growth === 'constant') return 'constant';
  const per = r.slope !== null ? `, ${withUnit(c.claim.metric, Number(r.slope.toFixed(2)))} per ${perUnit(c.param!)}` : '';
  return `${r.growth}${r.growth === 'linear' ? per : ''}`;
}

export function claimMarkdown(c: ClaimResult): string {
  const unit = METRICS[c.claim.metric]?.unit;
  const out = [
    `### ${escapeInline(c.id)}: ${statusMark(c)}`,
    `> ${escapeInline(c.claim.claim)}\n\n— ${escapeInline(c.claim.source)}`,
    `Measured as **${escapeInline(metricWords(c.claim.metric))}** (${code(c.claim.metric)}${unit ? `, ${unit}s` : ''}), the ${c.claim.aggregate === 'min' ? 'least any explored schedule pays' : c.claim.aggregate === 'max' ? 'most any explored schedule pays' : 'median execution'}${c.param !== null ? `, as ${code(c.param)} grows` : ''}.${c.claim.note ? ` ${escapeInline(c.claim.note)}` : ''}`,
  ];
  const rows = claimRows(c);
  const head = ['strategy', ...(c.param !== null ? c.xs.map((x) => `${c.param}=${x}`) : ['figure']), ...(c.param !== null ? ['growth'] : [])];
  out.push(
    table(
      head,
      rows.map((r) => [code(r.strategy), ...r.values.map((v) => (v === null ? '–' : String(v))), ...(c.param !== null ? [growthText(c, r)] : [])]),
      ['left', ...head.slice(1).map((): Align => 'right')],
    ),
  );
  out.push(c.checks.map((k) => `- ${k.holds === true ? '✓' : k.holds === false ? '✗' : '?'} ${code(k.strategy)}: ${escapeInline(k.prediction)} (${escapeInline(k.why)})`).join('\n'));
  return out.join('\n\n');
}

/** "## Cost claims": every claim the workloads carry, in the order they ran. */
export function costClaimsMarkdown(runs: readonly RunResult[]): string | null {
  const claims = analyseClaims(runs);
  if (claims.length === 0) return null;
  const n = (s: ClaimResult['status']) => claims.filter((c) => c.status === s).length;
  return [
    '## Cost claims',
    `${claims.length} claims from the threads, each measured by a workload or a series: ${n('confirmed')} confirmed, ${n('not confirmed')} not confirmed, ${n('not measured')} not measured. What each figure counts, and why the model disagrees where it does: docs/cost.md.`,
    ...claims.map(claimMarkdown),
  ].join('\n\n');
}

// ---------------------------------------------------------------------------------------------
// HTML

function h(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

/**
 * Cost against size, one line per group of strategies that pay the same at every point, so that six
 * identical flat lines read as one. Static SVG: the page needs no script to show it.
 */
export function claimChart(c: ClaimResult): string {
  if (c.param === null || c.xs.length < 2) return '';
  const W = 460;
  const H = 230;
  const L = 56;
  const R = 12;
  const T = 26;
  const B = 40;
  const groups = new Map<string, { values: (number | null)[]; strategies: string[] }>();
  for (const r of claimRows(c)) {
    if (!r.values.some((v) => v !== null)) continue;
    const k = JSON.stringify(r.values);
    const g = groups.get(k);
    if (g) g.strategies.push(r.strategy);
    else groups.set(k, { values: r.values, strategies: [r.strategy] });
  }
  const all = [...groups.values()].flatMap((g) => g.values.filter((v): v is number => v !== null));
  const ymax = Math.max(1, ...all);
  const xmin = c.xs[0]!;
  const xmax = c.xs[c.xs.length - 1]!;
  const px = (x: number) => L + ((x - xmin) / Math.max(1, xmax - xmin)) * (W - L - R);
  const py = (y: number) => T + (1 - y / ymax) * (H - T - B);
  const unit = METRICS[c.claim.metric]?.unit;
  const parts: string[] = [];
  parts.push(`<line class="axis" x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}"/><line class="axis" x1="${L}" y1="${T}" x2="${L}" y2="${H - B}"/>`);
  for (const x of c.xs) parts.push(`<text class="tick" x="${px(x).toFixed(1)}" y="${H - B + 14}" text-anchor="middle">${x}</text>`);
  for (const y of [0, ymax / 2, ymax]) {
    const label = Number.isInteger(y) ? String(y) : y.toFixed(1);
    parts.push(`<text class="tick" x="${L - 6}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end">${label}</text><line class="grid" x1="${L}" y1="${py(y).toFixed(1)}" x2="${W - R}" y2="${py(y).toFixed(1)}"/>`);
  }
  parts.push(`<text class="label" x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle">${h(c.param)}</text>`);
  parts.push(`<text class="label" x="4" y="12">${h(metricWords(c.claim.metric))}${unit ? ` (${unit}s)` : ''}</text>`);
  const legend: string[] = [];
  [...groups.values()].forEach((g, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const pts = c.xs.map((x, j) => [x, g.values[j]] as const).filter((p): p is readonly [number, number] => p[1] !== null);
    const name = g.strategies.join(', ');
    parts.push(
      `<g class="series" data-strategies="${h(name)}"><title>${h(`${name}: ${pts.map(([x, y]) => `${c.param}=${x}: ${y}`).join(', ')}`)}</title>` +
        `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>` +
        pts.map(([x, y]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${colour}"/>`).join('') +
        '</g>',
    );
    legend.push(`<li><span class="swatch" style="background:${colour}"></span>${h(name)}</li>`);
  });
  return (
    `<figure class="cost-chart"><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${h(`${metricWords(c.claim.metric)} against ${c.param}`)}">${parts.join('')}</svg>` +
    `<figcaption><ul class="chart-legend">${legend.join('')}</ul></figcaption></figure>`
  );
}

function claimHtml(c: ClaimResult): string {
  const cls = c.status === 'confirmed' ? 'ok' : c.status === 'not confirmed' ? 'no' : 'unknown';
  const rows = claimRows(c);
  const head = ['strategy', ...(c.param !== null ? c.xs.map((x) => `${c.param}=${x}`) : ['figure']), ...(c.param !== null ? ['growth'] : [])];
  const unit = METRICS[c.claim.metric]?.unit;
  const aggregate = c.claim.aggregate === 'min' ? 'the least any explored schedule pays' : c.claim.aggregate === 'max' ? 'the most any explored schedule pays' : 'the median execution';
  const tableHtml =
    `<table class="claim-table"><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((r) => `<tr data-strategy="${h(r.strategy)}"><th>${h(r.strategy)}</th>${r.values.map((v) => `<td>${v === null ? '–' : v}</td>`).join('')}${c.param !== null ? `<td>${h(growthText(c, r))}</td>` : ''}</tr>`).join('') +
    '</tbody></table>';
  const checks = `<ul class="checks">${c.checks.map((k) => `<li class="${k.holds === true ? 'ok' : k.holds === false ? 'no' : 'unknown'}">${k.holds === true ? '✓' : k.holds === false ? '✗' : '?'} <code>${h(k.strategy)}</code>: ${h(k.prediction)} <span class="why">(${h(k.why)})</span></li>`).join('')}</ul>`;
  return (
    `<section class="claim ${cls}" id="claim-${h(c.id.replace(/[^A-Za-z0-9_-]/g, '-'))}"><h3>${h(c.id)} <span class="status ${cls}">${h(statusMark(c))}</span></h3>` +
    `<blockquote>${h(c.claim.claim)}</blockquote><p class="source">— ${h(c.claim.source)}</p>` +
    `<p>Measured as <b>${h(metricWords(c.claim.metric))}</b> (<code>${h(c.claim.metric)}</code>${unit ? `, ${unit}s` : ''}), ${aggregate}${c.param !== null ? `, as <code>${h(c.param)}</code> grows` : ''}.${c.claim.note ? ` ${h(c.claim.note)}` : ''}</p>` +
    `<div class="claim-body">${claimChart(c)}${tableHtml}</div>${checks}</section>`
  );
}

export function costClaimsHtml(runs: readonly RunResult[]): string | null {
  const claims = analyseClaims(runs);
  if (claims.length === 0) return null;
  const n = (s: ClaimResult['status']) => claims.filter((c) => c.status === s).length;
  return (
    `<h2 id="cost-claims">Cost claims</h2><p class="summary">${claims.length} claims from the threads, each measured by a workload or a series: ${n('confirmed')} confirmed, ${n('not confirmed')} not confirmed, ${n('not measured')} not measured. Ticks: a thread's step is one; see docs/cost.md.</p>` +
    claims.map(claimHtml).join('\n')
  );
}

export function costDifferencesHtml(runs: readonly RunResult[]): string {
  const byWorkload = costDifferencesByWorkload(runs);
  if (byWorkload.size === 0) return `<p>${h(SAME_COST)}</p>`;
  // The sentence report.md and report.txt say, marked up for HTML.
  const html: Inline = { code: (x) => `<code>${h(x)}</code>`, text: h, strong: (x) => `<b>${x}</b>` };
  const item = (d: CostDifference) => `<li>${describeDifference(d, html)}</li>`;
  return `<dl class="cost-diffs">${[...byWorkload].map(([w, ds]) => `<dt><code>${h(w)}</code></dt><dd><ul>${ds.map(item).join('')}</ul></dd>`).join('')}</dl>`;
}

export const COST_CSS = `
.cost-diffs dt{margin-top:8px}.cost-diffs dd{margin:2px 0 0 18px}.cost-diffs ul{margin:0;padding-left:18px}
section.claim{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 14px;margin:12px 0}
section.claim h3{margin:4px 0}.status{font-size:13px;font-weight:600;padding:1px 6px;border-radius:4px;margin-left:6px}
.status.ok{background:var(--pass);color:var(--pass-ink)}.status.no{background:var(--fail);color:var(--fail-ink)}.status.unknown{background:var(--skip);color:var(--skip-ink)}
section.claim blockquote{margin:6px 0;padding-left:10px;border-left:3px solid var(--line);font-style:italic}
section.claim .source{color:var(--muted);margin:0 0 6px}
.claim-body{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
figure.cost-chart{margin:0}figure.cost-chart svg{background:#fff}
figure.cost-chart .axis{stroke:#555}figure.cost-chart .grid{stroke:#eee}figure.cost-chart text{font-size:11px;fill:#333}
.chart-legend{list-style:none;padding:0;margin:4px 0 0;font-size:12px;max-width:460px}.chart-legend li{margin:1px 0}
.swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px;vertical-align:baseline}
table.claim-table{border-collapse:collapse;font-size:12.5px}table.claim-table th,table.claim-table td{border:1px solid var(--line);padding:2px 6px;text-align:right}
table.claim-table th:first-child,table.claim-table tbody th{text-align:left;font-family:ui-monospace,monospace;font-weight:normal}
ul.checks{list-style:none;padding-left:0;font-size:13px}ul.checks li.no{color:var(--fail-ink)}ul.checks .why{color:var(--muted)}
`;

/**
 * The runs whose counterexamples a report lists: a scale: series repeats its scenario at every size,
 * so only its largest point is shown (the others are in results.json, with their replay tokens).
 */
export function largestPoints(runs: readonly RunResult[]): RunResult[] {
  const largest = new Map<string, number>();
  for (const r of runs) if (r.series) largest.set(r.series.id, Math.max(largest.get(r.series.id) ?? -Infinity, r.series.value));
  return runs.filter((r) => r.series === undefined || r.series.value === largest.get(r.series.id));
}
