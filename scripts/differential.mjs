#!/usr/bin/env node
// The differential tester's large slice (`npm run test:differential`): generated workloads from
// consecutive seeds, each explored with DPOR and with plain DFS (and random and PCT), in worker
// threads. Exits 1 on any disagreement (printed with its seed: `generate(seed)` rebuilds the
// workload), 0 otherwise. Options: --from N (first seed, default 1) --count N (default 10000)
// --jobs N (default: cores) --minutes M (stop starting workloads after M minutes; default 20)
// --budget N (executions per exploration, default 5000) --json FILE (write the summary)
// --report-only KIND[,KIND] (kinds that are printed but do not fail: dpor-vs-dfs, class-split,
// sampled-beyond-exhaustive, error).
import { availableParallelism } from 'node:os';
import { writeFileSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', 'harness');

if (!isMainThread) {
  const { Registry } = await import(join(dist, 'registry.js'));
  const { runDifferential } = await import(join(dist, 'differential', 'run.js'));
  const reg = Registry.load(workerData.kernels);
  const s = runDifferential(reg, {
    from: workerData.from,
    count: workerData.count,
    budget: workerData.budget,
    samples: 200,
    strategies: 2,
    deadlineMs: workerData.deadline,
    now: () => Date.now(),
    onWorkload: (seed, found) => parentPort.postMessage({ seed, found }),
  });
  parentPort.postMessage({ done: s });
} else {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return dflt;
    const v = args[i + 1];
    if (v === undefined || (typeof dflt === 'number' && !/^\d+$/.test(v))) {
      console.error(`--${name} takes ${typeof dflt === 'number' ? 'a whole number' : 'a value'}`);
      process.exit(2);
    }
    return typeof dflt === 'number' ? Number(v) : v;
  };
  const from = opt('from', 1);
  // --report-only KIND[,KIND]: disagreements of these kinds are printed and written to --json but do
  // not fail the run. For known, open gaps only (issue 14: bounded DPOR does not yet reach every
  // trace class bounded DFS reaches, so dpor-vs-dfs at a bound is that gap until it closes).
  const KINDS = ['dpor-vs-dfs', 'cached-vs-dfs', 'class-split', 'sampled-beyond-exhaustive', 'error'];
  const reportOnly = String(opt('report-only', '')).split(',').filter(Boolean);
  for (const k of reportOnly) {
    if (!KINDS.includes(k)) {
      console.error(`--report-only: unknown kind ${k}; allowed: ${KINDS.join(', ')}`);
      process.exit(2);
    }
  }
  const count = opt('count', 10000);
  const jobs = Math.max(1, Math.min(opt('jobs', availableParallelism()), count));
  const minutes = opt('minutes', 20);
  const budget = opt('budget', 5000);
  const json = opt('json', '');
  const kernels = join(dirname(fileURLToPath(import.meta.url)), '..', 'configs', 'kernels.yaml');
  const t0 = Date.now();
  const deadline = t0 + minutes * 60_000;
  // Interleaved slices would share nothing anyway; contiguous ones keep seeds easy to name.
  const per = Math.ceil(count / jobs);
  const parts = [];
  let done = 0;
  for (let j = 0; j < jobs; j++) {
    const f = from + j * per;
    const c = Math.min(per, from + count - f);
    if (c <= 0) break;
    parts.push(
      new Promise((resolve, reject) => {
        const w = new Worker(fileURLToPath(import.meta.url), { workerData: { from: f, count: c, budget, deadline, kernels } });
        w.on('message', (m) => {
          if (m.done) return resolve(m.done);
          done++;
          for (const d of m.found) console.log(`seed ${m.seed}: ${d.kind}: ${d.detail}`);
          if (done % 500 === 0) console.error(`${done} workloads, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        });
        w.on('error', reject);
      }),
    );
  }
  const sums = await Promise.all(parts);
  const total = { from, seeds: [], workloads: 0, runs: 0, incomplete: 0, rejected: [], byFamily: {}, disagreements: [], stoppedEarly: false, seconds: 0 };
  for (const s of sums) {
    total.seeds.push([s.from, s.from + s.workloads - 1]);
    total.workloads += s.workloads;
    total.runs += s.runs;
    total.incomplete += s.incomplete;
    total.rejected.push(...s.rejected);
    total.disagreements.push(...s.disagreements);
    total.stoppedEarly ||= s.stoppedEarly;
    for (const [f, n] of Object.entries(s.byFamily)) total.byFamily[f] = (total.byFamily[f] ?? 0) + n;
  }
  total.seconds = Math.round((Date.now() - t0) / 1000);
  if (json) writeFileSync(json, JSON.stringify(total, null, 2) + '\n');
  const fams = Object.entries(total.byFamily).map(([f, n]) => `${f} ${n}`).join(', ');
  console.log(
    `${total.workloads} workloads (seeds ${total.seeds.map(([a, b]) => `${a}-${b}`).join(', ')}; ${fams}), ${total.runs} runs (${total.incomplete} beyond the budget, not compared), ` +
      `${total.rejected.length} rejected, ${total.disagreements.length} disagreements, ${total.seconds} s${total.stoppedEarly ? ' (time limit reached before the last seed)' : ''}`,
  );
  for (const r of total.rejected) console.log(`seed ${r.seed}: the generator made a workload the loader refused: ${r.error}`);
  const failing = total.disagreements.filter((d) => !reportOnly.includes(d.kind));
  if (failing.length < total.disagreements.length) console.log(`${total.disagreements.length - failing.length} of them of a kind given to --report-only (${reportOnly.join(', ')}): reported, not failing`);
  process.exit(failing.length || total.rejected.length ? 1 : 0);
}
