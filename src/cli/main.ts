import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { splitPointId } from '../harness/workload/scale.js';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { CompositionError } from '../core/Strategy.js';
import { SPLIT_MIN_BUDGET, cachesStates, replayExecution, splits } from '../harness/explore/explore.js';
import { INVARIANTS } from '../harness/oracle/invariants.js';
import { OPS } from '../harness/ops/index.js';
import { HOST, Registry, UnknownStrategyError } from '../harness/registry.js';
import { TokenError, checkDigest, parseToken } from '../harness/replayToken.js';
import { compareWithBaseline, baselineOf } from '../harness/baseline.js';
import { describeExpected, describeOutcome, plural, replayCommand, skipText, uniqueInOrder } from '../harness/report/common.js';
import { getReporter, reporterNames } from '../harness/report/index.js';
import type { Reporter } from '../harness/report/reporters.js';
import { renderSummary } from '../harness/report/terminal.js';
import { renderTraceColumns } from '../harness/report/traceColumns.js';
import { numberTrace } from '../harness/explore/numberTrace.js';
import type { ResultsFile, RunResult } from '../harness/results.js';
import { modelKey, planRuns, resultsFile, runPlans, runPlansParallel, type Progress } from '../harness/Runner.js';
import { MergeError, mergeResults, parseShard, shardPlans, type Shard } from '../harness/shard.js';
import { availableParallelism, release as osRelease } from 'node:os';
import { loadWorkloadFile } from '../harness/workload/load.js';
import { workloadJsonSchema } from '../harness/workload/schema.js';
import { UNBOUNDED, type ExploreMode, type Workload } from '../harness/workload/types.js';
import { WorkloadError } from '../harness/workload/WorkloadError.js';
import { filterWorkloads, findWorkloadFiles, loadWorkloads, resolveWorkloadArgs, UnknownWorkloadError } from '../harness/workloads.js';
import { configsRoot, packageVersion } from './paths.js';
import { renderBench, runBench } from '../harness/bench/bench.js';
import { colorWanted, ProgressLine, progressWanted } from './progress.js';
import { writeAtomic } from './writeAtomic.js';
import { columns } from './columns.js';
import { opsMarkdown, opsText } from '../harness/ops/reference.js';
import { HOOK_NAMES } from '../harness/strategyCheck.js';
import { didYouMean } from '../harness/workload/WorkloadError.js';
import type { Strategy } from '../core/Strategy.js';
import { loadStrategyModules, StrategyModuleError } from '../harness/strategyModules.js';
import { preemptionBound } from './preemptionBound.js';
import { addRealCommand } from './realCommand.js';
import { ExecutorUnavailable } from '../harness/real/executor.js';

/** Ctrl-C: the runs that finished were summarised, no report was written (128 + SIGINT, as shells report it). */
const INTERRUPTED = 130;

/** Bad input on the command line: exit 2 with one line. */
class UsageError extends Error {}

const DEFAULT_FORMATS = 'md,summary,json';

function parseFormats(list: string): Reporter[] {
  const names = list.split(',').map((f) => f.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`--format needs at least one format (allowed: ${reporterNames().join(', ')})`);
  return uniqueInOrder(names).map((f) => {
    const r = getReporter(f);
    if (r === undefined) throw new UsageError(`unknown --format ${f}${didYouMean(f, reporterNames())} (allowed: ${reporterNames().join(', ')})`);
    return r;
  });
}

/**
 * Every view from the one ResultsFile, each written atomically; the report files of formats not
 * asked for are removed, so that the folder never holds views of two different runs side by side.
 */
function writeReports(results: ResultsFile, out: string, reporters: readonly Reporter[]): void {
  for (const r of reporters) writeAtomic(join(out, r.file), r.render(results));
  for (const name of reporterNames()) {
    const r = getReporter(name)!;
    if (!reporters.includes(r)) rmSync(join(out, r.file), { force: true });
  }
}

function readResultsFile(file: string): ResultsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`${file}: cannot read (a results.json, or a folder holding one)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}:1:1: not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const d = data as Partial<ResultsFile> | null;
  if (d === null || typeof d !== 'object' || d.faultline !== 1 || !Array.isArray(d.runs)) {
    throw new UsageError(`${file}:1:1: not a faultline results.json (expected { "faultline": 1, "runs": [...] })`);
  }
  return d as ResultsFile;
}

/** A results.json path, or a folder (a report folder or a downloaded CI artifact) that holds one. */
function resultsPath(p: string): string {
  return existsSync(p) && statSync(p).isDirectory() ? join(p, 'results.json') : p;
}

function shardOption(v: string): Shard {
  try {
    return parseShard(v);
  } catch (e) {
    throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
  }
}

function positiveInt(name: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${name} takes a whole number of at least 1`);
    return Number(v);
  };
}

function nonNegativeInt(name: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} takes a whole number`);
    return Number(v);
  };
}

interface RunOpts {
  strategy?: string;
  family?: string;
  filter?: string[];
  explore?: ExploreMode;
  budget?: number;
  seed?: number;
  preemptions?: number;
  bail?: boolean;
  stateCache?: boolean;
  out: string;
  format: string;
  json?: boolean;
  color: boolean;
  jobs?: number;
  shard?: Shard;
  /** Seconds for the whole command; 0 given explicitly: none, and with --jobs 1 the runs go in-process. */
  timeBudget?: number;
  /** Date.now() at which the --time-budget runs out. */
  deadline?: number;
  checkModel?: boolean;
  strategiesFrom?: string[];
}

/** One of `allowed`, as commander's .choices() says it, with a did-you-mean. */
function choice<T extends string>(allowed: readonly T[]) {
  return (v: string): T => {
    if (!(allowed as readonly string[]).includes(v)) throw new InvalidArgumentError(`Allowed choices are ${allowed.join(', ')}.${didYouMean(v, allowed).replace(/^ \((.*)\)$/, ' $1')}`);
    return v as T;
  };
}

function commaList(v: string, prev: string[] = []): string[] {
  const items = v.split(',').map((x) => x.trim()).filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('takes at least one name');
  return [...prev, ...items];
}

function seconds(v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new InvalidArgumentError('--time-budget takes seconds (0: no budget)');
  return Number(v);
}

/** A path as reports print it: from the current folder, never absolute. */
function shownPath(p: string): string {
  return relative(process.cwd(), resolve(p)).split(sep).join('/') || '.';
}

function kernelsYaml(): string | null {
  const k = join(configsRoot(), 'kernels.yaml');
  return existsSync(k) ? k : null;
}

function registry(extra: Strategy[] = []): Registry {
  return Registry.load(kernelsYaml(), extra);
}

function printSummary(results: ResultsFile, o: { color: boolean; out: string }, extra = '', wall?: { seconds: number; jobs: number }): void {
  const color = colorWanted(o.color, process.stdout);
  process.stdout.write(renderSummary(results, { color, kernels: new Set(registry().kernels.keys()), ...(process.stdout.isTTY && process.stdout.columns > 0 ? { width: Math.max(80, process.stdout.columns) } : {}) }) + '\n');
  const execs = results.runs.reduce((a, r) => a + r.exploration.executions, 0);
  // Wall time when this process ran them; else the runs' own exploration time, added up.
  const time = wall ? `${wall.seconds.toFixed(1)} s with ${wall.jobs} job(s)` : `${(results.runs.reduce((a, r) => a + r.exploration.ms, 0) / 1000).toFixed(1)} s of exploration`;
  const cut = results.runs.filter((r) => r.exploration.cut === 'time-budget').length;
  const cutNote = cut > 0 ? ` (${cut} cut short by --time-budget: complete: false, with the executions they covered)` : '';
  process.stdout.write(`${plural(results.runs.length, 'run')}, ${plural(execs, 'execution')} in ${time}${extra}${cutNote}; reports in ${o.out}/\n`);
}

/**
 * Ctrl-C from the moment a run starts: the runs that finish are summarised and no report is written.
 * (Only while runs go to workers: an in-process run blocks the event loop, so there Ctrl-C kills.)
 */
async function runMatrix(paths: string[], o: RunOpts): Promise<{ results: ResultsFile; reg: Registry; interrupted: boolean }> {
  // The budget is the whole command's: it starts now, before loading anything.
  if (o.timeBudget !== undefined && o.timeBudget > 0) o = { ...o, deadline: Date.now() + o.timeBudget * 1000 };
  const ac = new AbortController();
  const onInt = () => ac.abort();
  process.once('SIGINT', onInt);
  try {
    return await runMatrixOn(paths, o, ac.signal, () => process.removeListener('SIGINT', onInt));
  } finally {
    process.removeListener('SIGINT', onInt);
  }
}

async function runMatrixOn(paths: string[], o: RunOpts, signal: AbortSignal, blocking: () => void): Promise<{ results: ResultsFile; reg: Registry; interrupted: boolean }> {
  const strategyModules = o.strategiesFrom ?? [];
  const reg = registry(await loadStrategyModules(strategyModules));
  const reporters = parseFormats(o.format);
  const asked = o.strategy?.split(',').map((s) => s.trim()).filter(Boolean);
  const strategies = asked ? reg.expandHost(asked) : undefined;
  if (asked?.includes(HOST)) process.stderr.write(`faultline: --strategy host is ${reg.hostKernel()!.name} (this machine runs Linux ${osRelease()})\n`);
  if (strategies) for (const s of strategies) reg.resolve(s);
  if (o.family && !reg.families().includes(o.family)) throw new UsageError(`unknown --family ${o.family}${didYouMean(o.family, reg.families())} (families: ${reg.families().join(', ')})`);
  const root = configsRoot();
  const loaded = loadWorkloads(paths.length ? resolveWorkloadArgs(paths, root) : [root], root, reg);
  const workloads = o.filter?.length ? filterWorkloads(loaded, o.filter) : loaded;
  const all = planRuns(workloads, reg, { ...(strategies ? { strategies } : {}), ...(o.family ? { family: o.family } : {}) });
  if (all.length === 0) throw new UsageError(noRunsWhy(workloads, o));
  // --shard on a single run (one model, however many names it runs under) splits its exploration.
  const split = o.shard !== undefined && o.shard.count > 1 && new Set(all.filter((p) => p.skip === undefined).map((p) => modelKey(p.workload, p.kernel))).size === 1;
  if (split) {
    const w = all.find((p) => p.skip === undefined)!.workload;
    const mode = o.explore ?? w.explore.mode;
    const budget = o.budget ?? w.explore.budget;
    const cache = cachesStates(w, mode, o);
    if (!splits(mode, budget, o.bail === true, cache)) {
      throw new UsageError(`--shard ${o.shard!.index}/${o.shard!.count} on a single run splits its exploration into DFS subtrees, which needs --explore dfs (DPOR finds its backtrack points as it goes), a budget of at least ${SPLIT_MIN_BUDGET} executions, no --bail and no state caching (one visited set per search) (got mode ${mode}, budget ${budget}${o.bail ? ', --bail' : ''}${cache ? ', state caching' : ''})`);
    }
  }
  if (o.stateCache === true) {
    const notDfs = all.filter((p) => p.skip === undefined && (o.explore ?? p.workload.explore.mode) !== 'dfs');
    if (notDfs.length > 0) throw new UsageError(`--state-cache caches states for plain DFS: add --explore dfs (${plural(notDfs.length, 'run')} would explore with ${o.explore ?? notDfs[0]!.workload.explore.mode}, e.g. ${notDfs[0]!.workload.id}; stateful DPOR is not built)`);
    const costs = new Set(all.filter((p) => p.skip === undefined && p.workload.claim !== undefined).map((p) => p.workload.id));
    if (costs.size > 0) process.stderr.write(`faultline: --state-cache: ${plural(costs.size, 'cost workload')} explored without it (a cost claim is judged on every execution's cost)\n`);
  }
  const part = o.shard && !split ? shardPlans(all, o.shard) : null;
  const plans = part ? part.plans : all;
  const startedAt = new Date().toISOString();
  const wall0 = performance.now();
  const line = progressWanted(process.stderr) ? new ProgressLine(process.stderr, colorWanted(o.color, process.stderr)) : null;
  const exploreOpts = {
    ...(o.explore ? { mode: o.explore } : {}),
    ...(o.budget ? { budget: o.budget } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.preemptions !== undefined ? { preemptions: o.preemptions } : {}),
    ...(o.bail ? { stopAtFirst: true } : {}),
    ...(o.stateCache !== undefined ? { stateCache: o.stateCache } : {}),
    ...(split ? { part: { index: o.shard!.index, count: o.shard!.count } } : {}),
    ...(line ? { onProgress: (p: Progress) => line.update(p) } : {}),
    ...(o.checkModel ? { checkModel: true } : {}),
    ...(o.deadline !== undefined ? { deadline: o.deadline } : {}),
    now: () => performance.now(),
  };
  const jobs = o.jobs ?? availableParallelism();
  // Runs go to worker threads unless --time-budget 0 --jobs 1 asks otherwise: a hook that loops
  // without yielding can only be stopped by terminating its thread (the watchdog, or the budget
  // running out). Ctrl-C stops the workers and keeps what finished.
  let runs: RunResult[] & { interrupted?: boolean };
  try {
    if (o.timeBudget !== 0 || (jobs > 1 && plans.length > 1)) {
      runs = await runPlansParallel(plans, jobs, kernelsYaml(), { ...exploreOpts, signal, strategyModules });
    } else {
      blocking();
      runs = runPlans(plans, exploreOpts);
    }
  } finally {
    line?.clear();
  }
  const results = resultsFile(runs, o.seed ?? 1, startedAt);
  if (strategyModules.length > 0) results.strategiesFrom = strategyModules.map(shownPath);
  if (runs.interrupted) {
    process.stdout.write(renderSummary(results, { color: colorWanted(o.color, process.stdout) }) + '\n');
    process.stdout.write(`interrupted: ${runs.length} of ${plans.length} runs finished; no report written (the reports in ${o.out}/ are as they were)\n`);
    return { results, reg, interrupted: true };
  }
  if (part && o.shard) results.shard = { index: o.shard.index, count: o.shard.count, total: all.length, positions: part.positions };
  if (split && o.shard) results.shard = { index: o.shard.index, count: o.shard.count, total: all.length, positions: all.map((_, i) => i), split: true };
  writeReports(results, o.out, reporters);
  if (o.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else printSummary(results, o, o.shard ? (split ? ` (part ${o.shard.index}/${o.shard.count} of one run split over ${o.shard.count} shards)` : ` (shard ${o.shard.index}/${o.shard.count} of ${all.length} runs)`) : '', { seconds: (performance.now() - wall0) / 1000, jobs: Math.min(jobs, plans.length) });
  return { results, reg, interrupted: false };
}

/** Why a selection made no runs: an empty run that exits 0 would read as a pass. */
function noRunsWhy(workloads: Workload[], o: RunOpts): string {
  if (workloads.length === 0) return 'no runs: no workload files in the paths given';
  const fams = uniqueInOrder(workloads.map((w) => w.family));
  if (o.family) return `no runs: --family ${o.family} matches none of the ${plural(workloads.length, 'workload')} selected (their families: ${fams.join(', ')})`;
  return `no runs: the ${plural(workloads.length, 'workload')} selected (families: ${fams.join(', ')}) have no strategies to run against (name some with --strategy)`;
}

interface GateOpts extends RunOpts {
  baseline?: string;
  updateBaseline?: boolean;
  results?: string;
}

/** The gate's verdict on finished results; prints every mismatch and regression, returns the exit code. */
function gate(results: ResultsFile, o: GateOpts): number {
  const say = (s: string) => process.stdout.write(`${s}\n`);
  const replay = replayCommand(results);
  const bad = results.runs.filter((r) => r.matchesExpected === false);
  const checked = results.runs.filter((r) => r.matchesExpected !== null).length;
  for (const r of bad) {
    const v = r.violations.find((x) => !(r.expected ?? []).includes(x.invariant)) ?? r.violations[0];
    const token = v?.replay ?? r.errorReplay;
    const why = r.verdict === 'skip' ? ` (${r.strategy} lacks ${skipText(r)})` : '';
    say(`MISMATCH ${r.workload} × ${r.strategy}: expected ${describeExpected(r.expected)}, got ${describeOutcome(r)}${why}${token ? ` (${replay(token)})` : ''}`);
  }
  let regressions = 0;
  let compared = 0;
  if (o.baseline && !o.updateBaseline) {
    const base = readResultsFile(o.baseline);
    const c = compareWithBaseline(results, base);
    compared = c.compared;
    regressions = c.regressions.length;
    for (const r of c.regressions) say(`REGRESSION ${r.workload} × ${r.strategy}: ${r.why}; baseline ${r.baseline}, got ${r.got}${r.replay ? ` (${replay(r.replay)})` : ''}`);
    for (const r of c.improvements) say(`note: ${r.workload} × ${r.strategy} ${r.why} (baseline ${r.baseline}, got ${r.got}); --update-baseline records it`);
    if (c.unknown > 0) say(`note: ${plural(c.unknown, 'run')} not in ${o.baseline}; --update-baseline adds ${c.unknown === 1 ? 'it' : 'them'}`);
  }
  if (o.baseline && o.updateBaseline) {
    const previous = existsSync(o.baseline) ? readResultsFile(o.baseline) : null;
    writeAtomic(o.baseline, JSON.stringify(baselineOf(results, previous), null, 2) + '\n');
    say(`wrote ${o.baseline} (${plural(results.runs.length, 'run')})`);
  }
  const unchecked = results.runs.length - checked;
  const problems = bad.length + regressions;
  if (problems > 0) {
    const parts: string[] = [];
    if (bad.length > 0) parts.push(`${bad.length} of ${plural(checked, 'run')} differ from their expectations`);
    if (regressions > 0) parts.push(`${plural(regressions, 'run')} regressed against ${o.baseline}`);
    say(parts.join('; '));
    return 1;
  }
  const against = compared > 0 ? `, ${compared} without regression against ${o.baseline}` : '';
  say(`All ${checked} runs verified as expected${against}${unchecked > 0 ? ` (${plural(unchecked, 'run')} without expect)` : ''}`);
  return 0;
}

function addRunOptions(c: Command): Command {
  return c
    .option('--strategy <names>', 'strategies or kernels to run, comma-separated (compose with +; host = the newest kernel timeline not newer than uname -r); default: the family\'s and every kernel')
    .option('--family <name>', 'only workloads of this family (default: every family; faultline list families)')
    .option('-t, --filter <patterns>', 'only workloads whose id contains PATTERN or matches it as a glob (*, ?); comma-separated', commaList)
    .option('--explore <mode>', "exploration (default: each workload's explore.mode, exhaustive unless it says otherwise; exhaustive is DPOR, dfs the same bound without reduction); one of exhaustive, dfs, random, pct, dpor", choice(['exhaustive', 'dfs', 'random', 'pct', 'dpor']))
    .option('--budget <n>', "executions per workload × strategy (default: each workload's explore.budget)", positiveInt('--budget'))
    .option('--seed <n>', "seed for random and pct exploration (default: each workload's explore.seed)", nonNegativeInt('--seed'))
    .option('--preemptions <n>', "preemption bound for exhaustive exploration, or `unbounded` (every interleaving) (default: each workload's explore.preemptions)", preemptionBound)
    .option('--bail', 'stop each run at its first violating execution (still minimised and reported; the run is then not complete)')
    .option('--state-cache', "with --explore dfs: keep the states expanded and expand each once (default: each workload's explore.state_cache, off); docs/performance.md")
    .option('--no-state-cache', "expand every schedule, even where a workload's explore.state_cache asks for caching")
    .option('--out <dir>', 'report folder', 'reports/latest')
    .option('--format <list>', `report formats, comma-separated, of ${reporterNames().join(', ')}; the --out folder is left with exactly these (other formats' report files are removed)`, DEFAULT_FORMATS)
    .option('--jobs <n>', 'worker threads (default: one per core)', positiveInt('--jobs'))
    .option('--shard <I/N>', 'run only part I of N of the runs (join the parts with faultline merge)', shardOption)
    .option('--time-budget <seconds>', 'wall-clock budget for the whole command (every run, however many --jobs): when it runs out, runs stop where they are and are reported with complete: false, cut: "time-budget" and the executions they covered (default: none; an explicit 0 with --jobs 1 runs in-process, where a hook that never returns cannot be stopped)', seconds)
    .option('--check-model', 'CONFIG_DEBUG_VM: check the model\'s consistency after every step (slower)')
    .option('--strategies-from <files...>', 'load candidate fixes from these TypeScript or JavaScript modules (defineStrategy(); see docs/strategies.md)')
    .option('--json', 'print results JSON on stdout instead of the table')
    .option('--no-color', 'no colours');
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command('faultline')
    .description('compare candidate fixes for Linux mm races on a simulated kernel, exhaustively')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .showSuggestionAfterError(true)
    // Commander's own errors (unknown option, bad value) in the same one-line form as ours.
    .configureOutput({ outputError: (str, write) => write(`faultline: ${str.replace(/^error: /, '').replace(/\n+(?=.)/g, ' ').trimEnd()}\n`) });

  addRunOptions(program.command('run').argument('[paths...]', 'workload files or folders (default configs/)').description('run workloads against strategies and write reports')).action(async (paths: string[], o: RunOpts) => {
    if ((await runMatrix(paths, o)).interrupted) code = INTERRUPTED;
  });

  addRunOptions(program.command('gate').argument('[paths...]', 'workload files or folders (default configs/)').description("run, then exit 1 if any outcome differs from the workload's expect or regressed against --baseline"))
    .option('--baseline <file>', 'a committed earlier results.json: a newly violated invariant, a crash or a no longer complete exploration is a regression')
    .option('--update-baseline', 'rewrite --baseline from this run instead of comparing with it')
    .option('--results <file>', 'judge this results.json (e.g. from faultline merge) instead of running')
    .action(async (paths: string[], o: GateOpts) => {
      if (o.updateBaseline && !o.baseline) throw new UsageError('--update-baseline needs --baseline FILE');
      let results: ResultsFile;
      if (o.results) {
        if (paths.length > 0) throw new UsageError('--results judges a finished run: give no workload paths with it');
        results = readResultsFile(resultsPath(o.results));
      } else {
        const r = await runMatrix(paths, { ...o, json: false });
        if (r.interrupted) {
          code = INTERRUPTED;
          return;
        }
        results = r.results;
      }
      code = gate(results, o);
    });

  program
    .command('merge')
    .argument('<dirs...>', 'shard report folders (or their results.json files)')
    .description('join the results of --shard runs into one results.json and its reports')
    .option('--out <dir>', 'report folder', 'reports/latest')
    .option('--format <list>', `report formats, comma-separated, of ${reporterNames().join(', ')}; the --out folder is left with exactly these (other formats' report files are removed)`, DEFAULT_FORMATS)
    .option('--json', 'print results JSON on stdout instead of the table')
    .option('--no-color', 'no colours')
    .action((dirs: string[], o: { out: string; format: string; json?: boolean; color: boolean }) => {
      const reporters = parseFormats(o.format);
      const parts = dirs.map((d) => {
        const file = resultsPath(d);
        return { name: file, results: readResultsFile(file) };
      });
      const results = mergeResults(parts);
      writeReports(results, o.out, reporters);
      if (o.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
      else printSummary(results, o, ` from ${plural(parts.length, 'part')}`);
    });

  program
    .command('replay')
    .argument('<token>', 'a replay token from a report')
    .argument('[file]', 'the workload file, when it is neither configs/ID.yaml nor ID.yaml in the current folder')
    .description('re-run one execution from its replay token and print its full trace')
    .option('--check-model', 'CONFIG_DEBUG_VM, as the run that gave the token had it')
    .option('--strategies-from <files...>', 'the --strategies-from modules of the run that gave the token')
    .action(async (token: string, given: string | undefined, o: { checkModel?: boolean; strategiesFrom?: string[] }) => {
      const t = parseToken(token);
      const reg = registry(await loadStrategyModules(o.strategiesFrom ?? []));
      const root = configsRoot();
      // A point of a scale: series (x@pages=4) lives in the series' file.
      const base = splitPointId(t.workload)?.base ?? t.workload;
      const candidates = given !== undefined ? [given] : [join(root, `${base}.yaml`), `${base}.yaml`];
      const file = candidates.find((f) => existsSync(f));
      if (!file) throw new UsageError(`no workload ${t.workload} (looked for ${candidates.map((c) => relative(process.cwd(), resolve(c)) || c).join(', ')}; give its file after the token)`);
      const w: Workload = loadWorkloadFile(file, t.workload, reg);
      const kernel = reg.resolve(t.strategy);
      checkDigest(t, w);
      const rp = replayExecution(w, kernel, t.plan, o.checkModel === true, true);
      const v = rp.result.violations;
      process.stdout.write(`${w.id} × ${t.strategy}: ${w.title}\n`);
      // The trace's steps numbered 1..n as the reports number them; the first violation is marked.
      const shown = numberTrace(rp.trace, v[0]?.step, v[0]?.invariant);
      process.stdout.write(`preemptions ${rp.preemptions} · ${shown.trace.length} steps\n\n`);
      process.stdout.write(renderTraceColumns(shown.trace, { highlightStep: shown.at }) + '\n\n');
      if (rp.result.error) process.stdout.write(`error: ${rp.result.error}\n`);
      for (const x of v) {
        const at = numberTrace(rp.trace, x.step, x.invariant).at;
        process.stdout.write(`violated ${x.invariant}${at !== undefined ? ` at step ${at}` : ''}: ${x.message}\n`);
      }
      if (!v.length && !rp.result.error) process.stdout.write('no invariant violated\n');
    });

  const LISTS: Record<string, string> = {
    strategies: 'candidate fixes and kernel timelines, by family',
    kernels: 'named kernels (configs/kernels.yaml): which strategies each composes, and its features with release and commit',
    features: 'kernel features a workload can need (a kernel without one skips it): release and commit',
    workloads: 'workload ids under configs/, with their titles',
    invariants: 'what the oracle judges',
    ops: 'workload ops (--verbose: every argument, its type and default)',
    hooks: 'decision points a strategy may override, and who overrides each',
    families: 'families and their strategies',
  };
  program
    .command('list')
    .argument('[what]', `one of: ${Object.keys(LISTS).join(', ')}`)
    .option('--verbose', 'ops: every argument with its type and default')
    .option('--json', 'print the list as JSON')
    .description('what exists, one line each (without an argument: what can be listed)')
    .action((what: string | undefined, o: { verbose?: boolean; json?: boolean }) => {
      const reg = registry();
      const rows: string[][] = [];
      let json: unknown;
      switch (what) {
        case undefined:
          for (const [k, d] of Object.entries(LISTS)) rows.push([`faultline list ${k}`, d]);
          json = Object.entries(LISTS).map(([name, description]) => ({ name, description }));
          break;
        case 'strategies':
          for (const s of reg.strategies.values()) rows.push([s.name, s.family, `${s.summary}${s.baseline ? ' [baseline]' : ''}${s.standalone === false ? ' [kernel building block]' : ''}  (${s.refs.join('; ')})`]);
          for (const r of reg.readings.values()) rows.push([r.spec, r.family, `${r.summary} [reading of a proposal]  (${r.refs.join('; ')})`]);
          for (const k of reg.kernels.values()) rows.push([k.name, 'kernel', `${k.strategies.join('+')}: ${k.summary}`]);
          json = [...reg.strategies.values()].map(({ hooks: _h, ...s }) => s);
          break;
        case 'kernels': {
          // Each timeline, then the features it has: release and commit of each (what a workload may ask of it).
          json = [...reg.kernels.values()].map((k) => ({ ...k, features: k.features.map((id) => reg.features.get(id)!) }));
          const lines: string[] = [];
          for (const k of reg.kernels.values()) {
            if (lines.length > 0) lines.push('');
            lines.push(`${k.name} (${k.version}): ${k.summary}`);
            lines.push(`  strategies: ${k.strategies.join(' + ')}`);
            if (k.refs.length > 0) lines.push(`  refs: ${k.refs.join('; ')}`);
            lines.push(`  features:${k.features.length === 0 ? ' none a workload can ask for' : ''}`);
            for (const id of k.features) {
              const f = reg.features.get(id)!;
              lines.push(`    ${f.id.padEnd(20)} ${f.since.padEnd(6)} ${f.commit.padEnd(13)} ${f.summary}`);
            }
          }
          if (!o.json) {
            process.stdout.write(lines.join('\n') + '\n');
            return;
          }
          break;
        }
        case 'features':
          for (const f of reg.features.values()) rows.push([f.id, f.since, f.commit, f.summary]);
          json = [...reg.features.values()];
          break;
        case 'families':
          for (const f of reg.families()) rows.push([f, reg.familyStrategies(f).join(', ')]);
          json = reg.families().map((f) => ({ family: f, strategies: reg.familyStrategies(f) }));
          break;
        case 'workloads': {
          const root = configsRoot();
          const ws = findWorkloadFiles([root], root).map((f) => loadWorkloadFile(f.file, f.id, reg));
          for (const w of ws) rows.push([w.id, w.title]);
          json = ws.map((w) => ({ id: w.id, title: w.title, family: w.family, needs: w.needs.map((n) => n.feature) }));
          break;
        }
        case 'invariants':
          for (const [id, d] of Object.entries(INVARIANTS)) rows.push([id, d]);
          json = Object.entries(INVARIANTS).map(([id, description]) => ({ id, description }));
          break;
        case 'hooks':
          json = HOOK_NAMES.map((h) => ({ hook: h, overriddenBy: [...reg.strategies.values()].filter((s) => Object.hasOwn(s.hooks, h)).map((s) => s.name) }));
          for (const h of HOOK_NAMES) {
            const by = [...reg.strategies.values()].filter((s) => Object.hasOwn(s.hooks, h)).map((s) => s.name);
            rows.push([h, by.length ? `overridden by ${by.join(', ')}` : 'baseline only']);
          }
          break;
        case 'ops':
          if (o.verbose && !o.json) {
            process.stdout.write(opsText() + '\n');
            return;
          }
          for (const op of OPS.values()) rows.push([op.name, op.summary]);
          json = [...OPS.values()].map((op) => ({ name: op.name, summary: op.summary }));
          break;
        default:
          throw new UsageError(`list what? ${what}${didYouMean(what, Object.keys(LISTS))} (allowed: ${Object.keys(LISTS).join(', ')})`);
      }
      process.stdout.write(o.json ? `${JSON.stringify(json, null, 2)}\n` : columns(rows) + '\n');
    });

  program
    .command('check')
    .argument('<paths...>', 'workload files or folders')
    .description('validate workload files only; no exploration')
    .action((paths: string[]) => {
      const reg = registry();
      const ws = loadWorkloads(resolveWorkloadArgs(paths, configsRoot()), configsRoot(), reg);
      process.stdout.write(`${ws.length} workload${ws.length === 1 ? '' : 's'} ok\n`);
    });

  program
    .command('bench')
    .option('--json', 'print the figures as JSON')
    .option('--quick', 'skip the whole-matrix timings (minutes)')
    .option('--time <ms>', 'tinybench time per task', positiveInt('--time'), 1000)
    .option('--no-scaled', 'skip the scaled bug-1 workloads (bench/) and the comparison with Spin')
    .option('--scaled-cap <seconds>', 'time cap of each scaled run', positiveInt('--scaled-cap'), 120)
    .description('exploration throughput, the matrix timing (tinybench), and bug 1 scaled against Spin')
    .action(async (o: { json?: boolean; quick?: boolean; time: number; scaled: boolean; scaledCap: number }) => {
      const reg = registry();
      const root = configsRoot();
      const workloads = loadWorkloads([root], root, reg);
      const scaled = o.scaled ? { dir: join(root, '..', 'bench'), capSeconds: o.scaledCap } : null;
      const b = await runBench({ workloads, reg, kernelsYaml: kernelsYaml(), quick: o.quick === true, time: o.time, scaled });
      process.stdout.write((o.json ? JSON.stringify(b, null, 2) : renderBench(b)) + '\n');
    });

  addRealCommand(program, { registry: () => registry(), configsRoot, setCode: (c) => (code = c), usage: (m) => new UsageError(m) });

  program
    .command('schema')
    .option('--out <file>', 'where to write it', 'schema/workload.schema.json')
    .option('--ops <file>', 'also write the op reference generated from the same schemas (docs/ops.md)')
    .description('write the workload JSON Schema (for editors)')
    .action((o: { out: string; ops?: string }) => {
      writeAtomic(o.out, JSON.stringify(workloadJsonSchema(), null, 2) + '\n');
      process.stdout.write(`wrote ${o.out}\n`);
      if (o.ops) {
        writeAtomic(o.ops, opsMarkdown() + '\n');
        process.stdout.write(`wrote ${o.ops}\n`);
      }
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof WorkloadError || e instanceof UsageError || e instanceof TokenError || e instanceof UnknownStrategyError || e instanceof CompositionError || e instanceof MergeError || e instanceof StrategyModuleError || e instanceof UnknownWorkloadError || e instanceof ExecutorUnavailable) {
      process.stderr.write(`faultline: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`faultline: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 3;
  }
}
