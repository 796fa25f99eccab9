#!/usr/bin/env node
// Opens report.html in headless Chromium and checks what a reader does with it: the grid renders,
// a filter hides what it should, a counterexample's swim lanes open on click. With --screenshots,
// saves the screenshots the README shows (docs/images/); otherwise it writes nothing in the tree and
// removes the report it built. Not part of `npm test`: it needs Chromium, which this script installs from
// Debian (apt-get) when /usr/bin/chromium is missing.
//
//   npm run test:browser                 # builds a report of a few workloads, then checks it
//   npm run test:browser -- path/to/report.html
//   npm run test:browser -- --screenshots  # and rewrites docs/images/report.png, report-trace.png
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const IMAGES = join(ROOT, 'docs/images');
const SCREENSHOTS = process.argv.includes('--screenshots');
const GIVEN = process.argv.slice(2).find((a) => !a.startsWith('--'));
/** The folder buildReport() made, removed when the checks are done. */
let built = null;
/** Enough workloads to show every gup-cow outcome, and two cost series, without a minute-long run. */
const WORKLOADS = ['bug1-dio-read-get', 'bug2-dio-write-get', 'cve-2020-29374-vmsplice', 'pin-ro-cow-shared', 'pin-rw-longterm-across-fork', 'cost-decow-ro-gup-shared', 'cost-mm-gup-rwsem-fork-wait'].map(
  (w) => `configs/gup-cow/${w}.yaml`,
);

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  console.log(`${CHROMIUM} missing: installing Debian's chromium package`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (args) => {
    const r = spawnSync(sudo.length ? 'sudo' : args[0], sudo.length ? args : args.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${r.status})`);
  };
  run(['apt-get', 'update']);
  run(['apt-get', 'install', '-y', '--no-install-recommends', 'chromium']);
  if (!existsSync(CHROMIUM)) throw new Error(`chromium installed but ${CHROMIUM} is not there; set CHROMIUM=/path/to/chromium`);
}

function buildReport() {
  const out = (built = mkdtempSync(join(tmpdir(), 'faultline-browser-')));
  console.log(`building a report of ${WORKLOADS.length} workloads in ${out}`);
  execFileSync(process.execPath, [join(ROOT, 'bin/faultline.js'), 'run', ...WORKLOADS, '--format', 'html,json', '--out', out, '--jobs', '2'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  return join(out, 'report.html');
}

const failures = [];
function check(what, ok, detail = '') {
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}${detail ? ` (${detail})` : ''}`);
  if (!ok) failures.push(what);
}

async function main() {
  ensureChromium();
  const { chromium } = await import('playwright-core');
  const file = GIVEN ? resolve(GIVEN) : buildReport();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // Offline by construction: any request beyond the file itself is a bug in the report.
    const requests = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(file).href);

    const cells = await page.locator('table.grid td.cell').count();
    const visibleCells = await page.locator('table.grid td.cell:visible').count();
    check('the grid renders a cell per workload × strategy', cells > 0 && visibleCells === cells, `${visibleCells}/${cells} visible`);
    const failing = page.locator('table.grid td.cell:is(.fail,.xfail)');
    const box = await failing.first().boundingBox();
    check('failing cells are drawn with a size', box !== null && box.width > 10 && box.height > 10);
    const xfail = await page.locator('table.grid td.cell.xfail').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    const green = await page.locator('table.grid td.cell.pass').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    // The red an unexpected failure gets, read off the same stylesheet.
    const red = await page.evaluate(() => {
      const d = document.createElement('td');
      d.className = 'cell fail';
      document.body.appendChild(d);
      const c = getComputedStyle(d).backgroundColor;
      d.remove();
      return c;
    });
    check('pass and fail cells have different colours', red !== green && xfail !== green, `${green} vs ${red}`);
    check('an expected failure is not red', xfail !== red, `${xfail} vs ${red}`);
    // pin-ro-cow-shared pins with FOLL_PIN (5.6): the kernels before it cannot run it.
    const skip = page.locator('table.grid td.cell.skip').first();
    check('a kernel that lacks a feature shows an n/a cell', (await page.locator('table.grid td.cell.skip').count()) > 0 && (await skip.innerText()).trim() === 'n/a');
    const grey = await skip.evaluate((el) => getComputedStyle(el).backgroundColor);
    const rgb = (grey.match(/\d+/g) ?? []).slice(0, 3).map(Number);
    check('n/a cells are grey, neither pass nor fail', grey !== red && grey !== green && rgb.length === 3 && Math.max(...rgb) - Math.min(...rgb) <= 12, grey);
    const why = (await skip.getAttribute('title')) ?? '';
    check('an n/a cell says on hover which feature the kernel lacks, with release and commit', /lacks pin-user-pages: 5\.6, eddb1c228f79/.test(why), why.split('\n')[2] ?? why);
    const claims = await page.locator('section.claim').count();
    const charts = await page.locator('section.claim figure.cost-chart svg').count();
    check('every cost claim of a series has a chart of cost against size', claims === 2 && charts === 2, `${charts} charts for ${claims} claims`);
    const line = await page.locator('section.claim figure.cost-chart polyline').first().boundingBox();
    check('the chart lines are drawn with a size', line !== null && line.width > 100, line ? `${Math.round(line.width)}×${Math.round(line.height)}` : 'none');
    const steep = await page.locator('section.claim g.series[data-strategies="mm-gup-rwsem"] polyline').boundingBox();
    check("a strategy whose cost grows rises across its chart (mm-gup-rwsem's fork wait)", steep !== null && steep.height > 50, steep ? `${Math.round(steep.height)} px` : 'none');
    const diffs = await page.locator('dl.cost-diffs dt').count();
    check('the cost where strategies differ is listed per workload', diffs > 0, `${diffs} workloads`);

    if (SCREENSHOTS) {
      await page.screenshot({ path: join(IMAGES, 'report.png') });
      await page.evaluate(() => (document.getElementById('filters').style.position = 'static'));
      await page.locator('section.claim').last().screenshot({ path: join(IMAGES, 'report-cost.png') });
      await page.evaluate(() => (document.getElementById('filters').style.position = ''));
    }

    // Strategy filter: unticking one hides its column, its bars and its counterexamples.
    const strategy = 'mapcount-reuse';
    const before = await page.locator(`table.grid td[data-strategy="${strategy}"]:visible`).count();
    await page.locator(`#filters input[data-kind="strategy"][value="${strategy}"]`).uncheck();
    const after = await page.locator(`table.grid td[data-strategy="${strategy}"]:visible`).count();
    // A counterexample that only this strategy reached hides; one that kernels share stays.
    const cxLeft = await page.locator(`details.cx[data-strategies="${strategy}"]:visible`).count();
    const othersLeft = await page.locator('table.grid td.cell:visible').count();
    check('the strategy filter hides that column and its traces', before > 0 && after === 0 && cxLeft === 0 && othersLeft === cells - before, `${before} -> ${after} cells, ${cxLeft} traces left`);
    await page.locator(`#filters input[data-kind="strategy"][value="${strategy}"]`).check();
    const family = await page.locator('#filters input[data-kind="family"]').first().getAttribute('value');
    await page.locator(`#filters input[data-kind="family"][value="${family}"]`).uncheck();
    check('the family filter hides the family', (await page.locator('table.grid:visible').count()) === 0);
    await page.locator(`#filters input[data-kind="family"][value="${family}"]`).check();

    // A counterexample expands on click into one lane per thread, the detection row marked.
    const cx = page.locator('details.cx').filter({ has: page.locator('.inv', { hasText: 'lost-dio-read' }) }).first();
    const target = (await cx.count()) > 0 ? cx : page.locator('details.cx').first();
    check('lanes are hidden until clicked', (await target.locator('table.lanes').isVisible()) === false);
    await target.locator('summary').click();
    const lanes = await target.locator('table.lanes th.lane').count();
    check('a trace expands into swim lanes', (await target.locator('table.lanes').isVisible()) && lanes >= 1, `${lanes} lanes`);
    check('the racing steps and the violation are highlighted', (await target.locator('tr.hit').count()) === 1 && (await target.locator('tr.race').count()) > 0);
    const fns = await target.locator('code.fn').allTextContents();
    check('lanes name kernel functions', fns.some((f) => /^(handle_mm_fault|do_wp_page|wp_page_copy|gup_fast|follow_page_pte|copy_present_pte)$/.test(f)), fns.slice(0, 4).join(', '));
    // The sticky filter bar would cover the top of an element screenshot.
    await page.evaluate(() => (document.getElementById('filters').style.position = 'static'));
    await target.scrollIntoViewIfNeeded();
    if (SCREENSHOTS) await target.screenshot({ path: join(IMAGES, 'report-trace.png') });

    await page.evaluate(() => (document.getElementById('filters').style.position = ''));
    // Clicking a failing grid cell opens its counterexample.
    await page.evaluate(() => window.scrollTo(0, 0));
    const link = page.locator('table.grid td.cell:is(.fail,.xfail) a').nth(1);
    const href = await link.getAttribute('href');
    await link.click();
    check('a failing cell opens its counterexample', href !== null && (await page.locator(`${href}`).evaluate((d) => d.open)) === true, href ?? '');

    check('no script errors', errors.length === 0, errors.join('; '));
    check('no network requests', requests.length === 0, requests.join(', '));
  } finally {
    await browser.close();
    if (built !== null) rmSync(built, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.error(`${failures.length} browser check(s) failed`);
    process.exit(1);
  }
  console.log(`all browser checks passed${SCREENSHOTS ? `; screenshots in ${IMAGES}` : ''}`);
}

if (SCREENSHOTS) mkdirSync(IMAGES, { recursive: true });
main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
