import type { RealReport, RealWorkload } from './real.js';

/**
 * The "real kernel" section of report.md and report.html: per workload, the outcomes the kernel
 * produced (with counts, and whether the model allows each), the model's outcomes it never produced,
 * and the status.
 */
function heading(r: RealReport): string {
  const n = (s: string) => r.workloads.filter((w) => w.status === s).length;
  return `Linux ${r.kernel} held to the model as ${r.timeline}: ${r.runsPerWorkload} runs per workload (seed ${r.seed}); ${n('consistent')} consistent, ${n('inconsistent')} inconsistent, ${n('skip')} skipped.`;
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|');

export function realSectionMarkdown(r: RealReport): string {
  const out = ['## Real kernel', heading(r), '| workload | status | runs | observed (count, allowed by the model) | model outcomes never observed |', '|---|---|---:|---|---:|'];
  for (const w of r.workloads) {
    const obs = w.status === 'skip' ? mdCell(w.skip ?? '') : w.observed.map((o) => `${o.count}× ${o.allowedByModel ? '' : '**NOT ALLOWED** '}${o.tearOf ? '(a tear of a model outcome) ' : ''}${o.killOf ? '(a kill around an op in flight) ' : ''}${o.stuckOf ? '(blocked for good, as in the model) ' : ''}\`${mdCell(o.outcome)}\``).join('<br>');
    out.push(`| ${w.workload} | ${w.status} | ${w.status === 'skip' ? '' : w.runs} | ${obs} | ${w.status === 'skip' ? '' : `${w.modelOnly.length} of ${w.model?.outcomes ?? 0}`} |`);
  }
  for (const w of r.workloads.filter((x) => x.status === 'inconsistent' && x.reproduce)) out.push(`${w.workload}: reproduce with \`${w.reproduce}\``);
  return out.join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function htmlRow(w: RealWorkload): string {
  const obs = w.status === 'skip' ? esc(w.skip ?? '') : w.observed.map((o) => `<div>${o.count}× ${o.allowedByModel ? '' : '<strong>not allowed</strong> '}${o.tearOf ? '(a tear of a model outcome) ' : ''}${o.killOf ? '(a kill around an op in flight) ' : ''}${o.stuckOf ? '(blocked for good, as in the model) ' : ''}<code>${esc(o.outcome)}</code></div>`).join('');
  const never = w.modelOnly.map((o) => `<div><code>${esc(o)}</code></div>`).join('');
  const cls = w.status === 'consistent' ? 'pass' : w.status === 'inconsistent' ? 'fail' : 'skip';
  return `<tr><td>${esc(w.workload)}</td><td class="${cls}">${w.status}</td><td>${w.status === 'skip' ? '' : w.runs}</td><td>${obs}${w.reproduce ? `<div>reproduce: <code>${esc(w.reproduce)}</code></div>` : ''}</td><td>${never}</td></tr>`;
}

export function realSectionHtml(r: RealReport): string {
  return [
    '<h2 id="real-kernel">Real kernel</h2>',
    `<p class="summary">${esc(heading(r))}</p>`,
    '<table class="real"><thead><tr><th>workload</th><th>status</th><th>runs</th><th>observed</th><th>model outcomes never observed</th></tr></thead><tbody>',
    ...r.workloads.map(htmlRow),
    '</tbody></table>',
  ].join('\n');
}
