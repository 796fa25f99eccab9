import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CompositionError } from '../core/Strategy.js';
import { replayExecution } from '../harness/explore/explore.js';
import { INVARIANTS } from '../harness/oracle/invariants.js';
import { OPS } from '../harness/ops/index.js';
import { Registry, UnknownStrategyError } from '../harness/registry.js';
import { decodeToken } from '../harness/replayToken.js';
import { renderMarkdown } from '../harness/report/markdown.js';
import { renderSummary } from '../harness/report/terminal.js';
import { renderTraceColumns } from '../harness/report/traceColumns.js';
import type { ResultsFile } from '../harness/results.js';
import { planRuns, resultsFile, runPlans, runPlansParallel } from '../harness/Runner.js';
import { availableParallelism } from 'node:os';
import { loadWorkloadFile } from '../harness/workload/load.js';
import { workloadJsonSchema } from '../harness/workload/schema.js';
import type { ExploreMode, Workload } from '../harness/workload/types.js';
import { WorkloadError } from '../harness/workload/WorkloadError.js';
import { findWorkloadFiles, loadWorkloads } from '../harness/workloads.js';
import { configsRoot } from './paths.js';
import { writeAtomic } from './writeAtomic.js';
import type { Strategy } from '../core/Strategy.js';
import type { RunResult } from '../harness/results.js';
import { loadStrategyModules, StrategyModuleError } from '../harness/strategyModules.js';

/** Ctrl-C: the runs that finished were summarised, no report was written (128 + SIGINT, as shells report it). */
const INTERRUPTED = 130;

/** Bad input on the command line: exit 2 with one line. */
class UsageError extends Error {}

const FORMATS = ['md', 'json'] as const;
const LATER_FORMATS = ['html', 'junit', 'tap', 'text'];

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
  explore?: ExploreMode;
  budget?: number;
  seed?: number;
  preemptions?: number;
  out: string;
  format: string;
  json?: boolean;
  color: boolean;
  jobs?: number;
  shard?: { index: number; count: number };
  timeBudget: number;
  checkModel?: boolean;
  strategiesFrom?: string[];
}

/** `--shard I/N`: the I-th of N slices of the matrix (1-based), for splitting a run across CI jobs. */
function shardSpec(v: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new InvalidArgumentError('--shard takes I/N with 1 <= I <= N, e.g. 2/4');
  return { index: Number(m[1]), count: Number(m[2]) };
}

function seconds(v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new InvalidArgumentError('--time-budget takes seconds (0: no budget)');
  return Number(v);
}

function kernelsYaml(): string | null {
  const k = join(configsRoot(), 'kernels.yaml');
  return existsSync(k) ? k : null;
}

function registry(extra: Strategy[] = []): Registry {
  return Registry.load(kernelsYaml(), extra);
}

/**
 * Ctrl-C from the moment a run starts: the runs that finish are summarised and no report is written.
 * (Only while runs go to workers: an in-process run blocks the event loop, so there Ctrl-C kills.)
 */
async function runMatrix(paths: string[], o: RunOpts): Promise<{ results: ResultsFile; reg: Registry; interrupted: boolean }> {
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
  const formats = o.format.split(',').map((f) => f.trim()).filter(Boolean);
  for (const f of formats) {
    if (LATER_FORMATS.includes(f)) throw new UsageError(`--format ${f} is not available yet (available: ${FORMATS.join(', ')})`);
    if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`unknown --format ${f} (allowed: ${FORMATS.join(', ')})`);
  }
  const strategies = o.strategy?.split(',').map((s) => s.trim()).filter(Boolean);
  if (strategies) for (const s of strategies) reg.resolve(s);
  if (o.family && !reg.families().includes(o.family)) throw new UsageError(`unknown --family ${o.family} (families: ${reg.families().join(', ')})`);
  const root = configsRoot();
  const workloads = loadWorkloads(paths.length ? paths : [root], root, reg);
  let plans = planRuns(workloads, reg, { ...(strategies ? { strategies } : {}), ...(o.family ? { family: o.family } : {}) });
  if (o.shard) {
    const { index, count } = o.shard;
    plans = plans.filter((_, i) => i % count === index - 1);
  }
  const startedAt = new Date().toISOString();
  const exploreOpts = {
    ...(o.explore ? { mode: o.explore } : {}),
    ...(o.budget ? { budget: o.budget } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.preemptions !== undefined ? { preemptions: o.preemptions } : {}),
    ...(o.checkModel ? { checkModel: true } : {}),
    now: () => performance.now(),
  };
  const jobs = o.jobs ?? availableParallelism();
  // Runs go to worker threads whenever there is a time budget: a hook that loops without yielding
  // can only be stopped by terminating its thread. Ctrl-C stops the workers and keeps what finished.
  let runs: RunResult[] & { interrupted?: boolean };
  if (o.timeBudget > 0 || (jobs > 1 && plans.length > 1)) {
    runs = await runPlansParallel(plans, jobs, kernelsYaml(), { ...exploreOpts, timeBudgetMs: o.timeBudget * 1000, signal, strategyModules });
  } else {
    blocking();
    runs = runPlans(plans, exploreOpts);
  }
  const results = resultsFile(runs, o.seed ?? 1, startedAt);
  if (runs.interrupted) {
    process.stdout.write(renderSummary(results, { color: o.color && process.stdout.isTTY === true && !process.env.NO_COLOR }) + '\n');
    process.stdout.write(`interrupted: ${runs.length} of ${plans.length} runs finished; no report written (the reports in ${o.out}/ are as they were)\n`);
    return { results, reg, interrupted: true };
  }
  if (formats.includes('json')) writeAtomic(join(o.out, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  if (formats.includes('md')) writeAtomic(join(o.out, 'report.md'), renderMarkdown(results));
  if (o.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  else {
    process.stdout.write(renderSummary(results, { color: o.color && process.stdout.isTTY === true && !process.env.NO_COLOR }) + '\n');
    const totalMs = runs.reduce((a, r) => a + r.exploration.ms, 0);
    const execs = runs.reduce((a, r) => a + r.exploration.executions, 0);
    process.stdout.write(`${runs.length} runs, ${execs} executions in ${(totalMs / 1000).toFixed(1)} s; reports in ${o.out}/\n`);
  }
  return { results, reg, interrupted: false };
}

function addRunOptions(c: Command): Command {
  return c
    .option('--strategy <names>', 'strategies or kernels to run, comma-separated (compose with +); default: the family\'s and every kernel')
    .option('--family <name>', 'only workloads of this family')
    .addOption(new Option('--explore <mode>', 'exploration').choices(['exhaustive', 'random', 'pct', 'dpor']))
    .option('--budget <n>', 'executions per workload × strategy', positiveInt('--budget'))
    .option('--seed <n>', 'seed for random and pct exploration', nonNegativeInt('--seed'))
    .option('--preemptions <n>', 'preemption bound for exhaustive exploration', nonNegativeInt('--preemptions'))
    .option('--out <dir>', 'report folder', 'reports/latest')
    .option('--format <list>', `report formats: ${FORMATS.join(',')}`, 'md,json')
    .option('--jobs <n>', 'worker threads (default: one per core)', positiveInt('--jobs'))
    .option('--shard <i/n>', 'run only the i-th of n slices of the matrix (for CI)', shardSpec)
    .option('--time-budget <seconds>', 'wall-clock budget per run; a run over it is stopped and reported as error (0: none, runs in-process with --jobs 1)', seconds, 300)
    .option('--check-model', 'CONFIG_DEBUG_VM: check the model\'s consistency after every step (slower)')
    .option('--strategies-from <files...>', 'load extra strategies from these ES modules (each exports `strategies`)')
    .option('--json', 'print results JSON on stdout instead of the table')
    .option('--no-color', 'no colours');
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = new Command('faultline')
    .description('compare candidate fixes for Linux mm races on a simulated kernel, exhaustively')
    .exitOverride()
    .showSuggestionAfterError(true)
    // Commander's own errors (unknown option, bad value) in the same one-line form as ours.
    .configureOutput({ outputError: (str, write) => write(`faultline: ${str.replace(/^error: /, '').replace(/\n+(?=.)/g, ' ').trimEnd()}\n`) });

  addRunOptions(program.command('run').argument('[paths...]', 'workload files or folders (default configs/)').description('run workloads against strategies and write reports')).action(async (paths: string[], o: RunOpts) => {
    if ((await runMatrix(paths, o)).interrupted) code = INTERRUPTED;
  });

  addRunOptions(program.command('gate').argument('[paths...]', 'workload files or folders (default configs/)').description('run, then exit 1 if any outcome differs from the workload\'s expect')).action(async (paths: string[], o: RunOpts) => {
    const { results, interrupted } = await runMatrix(paths, { ...o, json: false });
    if (interrupted) {
      code = INTERRUPTED;
      return;
    }
    const bad = results.runs.filter((r) => r.matchesExpected === false);
    const checked = results.runs.filter((r) => r.matchesExpected !== null).length;
    if (bad.length) {
      for (const r of bad) {
        const got = r.verdict === 'error' ? 'error' : r.violations.map((v) => v.invariant).join(', ') || 'pass';
        process.stdout.write(`MISMATCH ${r.workload} × ${r.strategy}: expected ${r.expected?.join(', ') || 'pass'}, got ${got}${r.violations[0] ? ` (faultline replay ${r.violations[0].replay})` : ''}\n`);
      }
      process.stdout.write(`${bad.length} of ${checked} runs differ from their expectations\n`);
      code = 1;
    } else process.stdout.write(`All ${checked} runs verified as expected\n`);
  });

  program
    .command('replay')
    .argument('<token>', 'a replay token from a report')
    .description('re-run one execution from its replay token and print its full trace')
    .option('--check-model', 'CONFIG_DEBUG_VM, as the run that gave the token had it')
    .option('--strategies-from <files...>', 'load extra strategies from these ES modules')
    .action(async (token: string, o: { checkModel?: boolean; strategiesFrom?: string[] }) => {
      const t = decodeToken(token);
      if (!t) throw new UsageError(`not a replay token: ${token} (expected workload~strategy~choices)`);
      const reg = registry(await loadStrategyModules(o.strategiesFrom ?? []));
      const root = configsRoot();
      const candidates = [join(root, `${t.workload}.yaml`), resolve(`${t.workload}.yaml`)];
      const file = candidates.find((f) => existsSync(f));
      if (!file) throw new UsageError(`no workload ${t.workload} (looked for ${candidates.join(', ')})`);
      const w: Workload = loadWorkloadFile(file, t.workload, reg);
      const kernel = reg.resolve(t.strategy);
      const rp = replayExecution(w, kernel, t.plan, o.checkModel === true);
      const v = rp.result.violations;
      process.stdout.write(`${w.id} × ${t.strategy}: ${w.title}\n`);
      process.stdout.write(`preemptions ${rp.preemptions}, steps ${rp.result.stats.steps}\n\n`);
      process.stdout.write(renderTraceColumns(rp.trace, v[0] ? { highlightStep: v[0].step } : {}) + '\n\n');
      if (rp.result.error) process.stdout.write(`error: ${rp.result.error}\n`);
      for (const x of v) process.stdout.write(`violated ${x.invariant}: ${x.message}\n`);
      if (!v.length && !rp.result.error) process.stdout.write('no invariant violated\n');
    });

  program
    .command('list')
    .argument('<what>', 'strategies | kernels | workloads | invariants | ops')
    .description('what exists, one line each')
    .action((what: string) => {
      const reg = registry();
      const lines: string[] = [];
      switch (what) {
        case 'strategies':
          for (const s of reg.strategies.values()) lines.push(`${s.name.padEnd(20)} ${s.family.padEnd(14)} ${s.summary}${s.baseline ? ' [baseline]' : ''}${s.standalone === false ? ' [kernel building block]' : ''}  (${s.refs.join('; ')})`);
          for (const k of reg.kernels.values()) lines.push(`${k.name.padEnd(20)} ${'kernel'.padEnd(14)} ${k.strategies.join('+')}: ${k.summary}`);
          break;
        case 'kernels':
          for (const k of reg.kernels.values()) lines.push(`${k.name.padEnd(10)} ${k.strategies.join('+').padEnd(60)} ${k.summary}`);
          break;
        case 'workloads': {
          const root = configsRoot();
          for (const f of findWorkloadFiles([root], root)) lines.push(`${f.id.padEnd(44)} ${loadWorkloadFile(f.file, f.id, reg).title}`);
          break;
        }
        case 'invariants':
          for (const [id, d] of Object.entries(INVARIANTS)) lines.push(`${id.padEnd(28)} ${d}`);
          break;
        case 'ops':
          for (const o of OPS.values()) lines.push(`${o.name.padEnd(12)} ${o.summary}`);
          break;
        default:
          throw new UsageError(`list what? ${what} (allowed: strategies, kernels, workloads, invariants, ops)`);
      }
      process.stdout.write(lines.join('\n') + '\n');
    });

  program
    .command('check')
    .argument('<paths...>', 'workload files or folders')
    .description('validate workload files only; no exploration')
    .action((paths: string[]) => {
      const reg = registry();
      const ws = loadWorkloads(paths, configsRoot(), reg);
      process.stdout.write(`${ws.length} workload${ws.length === 1 ? '' : 's'} ok\n`);
    });

  program
    .command('schema')
    .option('--out <file>', 'where to write it', 'schema/workload.schema.json')
    .description('write the workload JSON Schema (for editors)')
    .action((o: { out: string }) => {
      writeAtomic(o.out, JSON.stringify(workloadJsonSchema(), null, 2) + '\n');
      process.stdout.write(`wrote ${o.out}\n`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof WorkloadError || e instanceof UsageError || e instanceof UnknownStrategyError || e instanceof CompositionError || e instanceof StrategyModuleError) {
      process.stderr.write(`faultline: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`faultline: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 3;
  }
}
