/** Every built-in reporter, in the order the contract lists the formats. */
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown, renderSummaryMarkdown } from './markdown.js';
import { registerReporter } from './reporters.js';
import { renderTap } from './tap.js';
import { renderText } from './text.js';

registerReporter({ name: 'md', file: 'report.md', description: 'Markdown for a pull-request comment', render: (r) => renderMarkdown(r) });
registerReporter({ name: 'summary', file: 'summary.md', description: 'the matrix and the mismatches only, sized for a CI step summary', render: (r) => renderSummaryMarkdown(r) });
registerReporter({ name: 'json', file: 'results.json', description: 'the results, the source every view renders from', render: renderJson });
registerReporter({ name: 'html', file: 'report.html', description: 'one self-contained page: grid, cost charts, swim-lane traces', render: (r) => renderHtml(r) });
registerReporter({ name: 'junit', file: 'junit.xml', description: 'JUnit XML, one testcase per workload × strategy', render: renderJunit });
registerReporter({ name: 'tap', file: 'results.tap', description: 'TAP 13 as kselftest prints it', render: renderTap });
registerReporter({ name: 'text', file: 'report.txt', description: 'plain text under 80 columns for a patch cover letter', render: (r) => renderText(r) });

export { getReporter, reporterNames } from './reporters.js';
