import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { release } from 'node:os';
import { join } from 'node:path';
import { buildExecutor, findDioDir } from '../harness/real/executor.js';
import { hostFacts } from '../harness/real/compile.js';
import { hostTimeline, realWorkload, type RealReport, type RealWorkload } from '../harness/real/real.js';
import { renderRealTable } from '../harness/real/render.js';
import type { Registry } from '../harness/registry.js';
import type { ResultsFile, RunResult } from '../harness/results.js';
import { getReporter } from '../harness/report/index.js';
import { loadWorkloads, resolveWorkloadArgs } from '../harness/workloads.js';
import { preemptionBound } from './preemptionBound.js';
import { colorWanted } from './progress.js';
import { writeAtomic } from './writeAtomic.js';

interface RealOpts {
  runs: number;
  seed: number;
  delay: number;
  timeout: number;
  strategy?: string;
  preemptions?: number;
  out: string;
  format: string;
  json?: boolean;
  color: boolean;
}

function wholeNumber(name: string, min: number) {
  return (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`${name} takes a whole number${min > 0 ? ` of at least ${min}` : ''}`);
    return Number(v);
  };
}

export interface RealCommandEnv {
  registry(): Registry;
  configsRoot(): string;
  setCode(code: number): void;
  usage(message: string): Error;
}

/** `faultline real [PATH...]`: litmus7 for mm (see src/harness/real/real.ts and docs/real-kernel.md). */
export function addRealCommand(program: Command, env: RealCommandEnv): void {
  program
    .command('real')
    .argument('[paths...]', 'workload files or folders (default configs/)')
    .description("run the workloads' user programs on this machine's kernel, many times, and hold every outcome to what the model allows for the matching kernel timeline; exit 1 if the kernel did something the model forbids")
    .option('--runs <n>', 'real runs per workload', wholeNumber('--runs', 1), 100)
    .option('--seed <n>', 'seed of the random delays at op boundaries', wholeNumber('--seed', 0), 1)
    .option('--delay <us>', 'longest random delay at an op boundary, in microseconds', wholeNumber('--delay', 0), 200)
    .option('--timeout <ms>', 'longest one real run may take before it is killed and its blocked ops reported stuck', wholeNumber('--timeout', 1), 3000)
    .option('--strategy <kernel>', 'the named kernel timeline to hold the kernel to (default: the newest not newer than uname -r)')
    .option('--preemptions <n>', "the model's preemption bound, or `unbounded` (default: every interleaving when that takes at most 2,000 executions, else the workload's explore.preemptions)", preemptionBound)
    .option('--out <dir>', 'report folder', 'reports/latest')
    .option('--format <list>', 'report formats (json, md, html)', 'md,json')
    .option('--json', 'print the results JSON on stdout instead of the table')
    .option('--no-color', 'no colours')
    .action(async (paths: string[], o: RealOpts) => {
      const reg = env.registry();
      const kernel = release();
      // `--strategy host` means what it means for run: the timeline of this machine's kernel.
      const timeline = o.strategy === undefined || o.strategy === 'host' ? hostTimeline(reg, kernel) : o.strategy;
      if (timeline === null) throw env.usage(`no named kernel timeline in kernels.yaml is as old as this kernel (${kernel}); name one with --strategy`);
      if (!reg.kernels.has(timeline)) reg.resolve(timeline);
      const formats = o.format.split(',').map((f) => f.trim()).filter(Boolean);
      for (const f of formats) if (!['json', 'md', 'html'].includes(f)) throw env.usage(`unknown --format ${f} for real (allowed: json, md, html)`);
      const root = env.configsRoot();
      const workloads = loadWorkloads(paths.length ? resolveWorkloadArgs(paths, root) : [root], root, reg);
      const bin = buildExecutor();
      const host = hostFacts(findDioDir());
      const report: RealReport = { kernel, timeline, seed: o.seed, runsPerWorkload: o.runs, workloads: [] };
      const models: RunResult[] = [];
      for (const w of workloads) {
        if (!o.json) process.stderr.write(`real: ${w.id}\n`);
        const r: { real: RealWorkload; model: RunResult | null } = await realWorkload(w, reg, {
          runs: o.runs,
          seed: o.seed,
          delayUs: o.delay,
          timeoutMs: o.timeout,
          timeline,
          ...(o.preemptions !== undefined ? { preemptions: o.preemptions } : {}),
          host,
          bin,
          reproduce: (x) => `faultline real ${x.file} --runs ${o.runs} --seed ${o.seed}${o.strategy ? ` --strategy ${o.strategy}` : ''}${o.preemptions !== undefined ? ` --preemptions ${Number.isFinite(o.preemptions) ? o.preemptions : 'unbounded'}` : ''}`,
        });
        report.workloads.push(r.real);
        if (r.model) models.push(r.model);
      }
      const results: ResultsFile & { real: RealReport } = { faultline: 1, seed: o.seed, startedAt: new Date().toISOString(), runs: models, real: report };
      for (const f of formats) {
        const rep = getReporter(f)!;
        writeAtomic(join(o.out, rep.file), rep.render(results));
      }
      if (o.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
      else process.stdout.write(renderRealTable(report, { color: colorWanted(o.color, process.stdout) }) + '\n');
      env.setCode(report.workloads.some((w) => w.status === 'inconsistent' || w.status === 'error') ? 1 : 0);
    });
}
