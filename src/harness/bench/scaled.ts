import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../results.js';
import { runSpin, spinAvailable, type SpinFigures } from './spin.js';

/**
 * Bug 1 scaled the way the Spin anchor scales its model: N DMA chunks per page, W writer threads
 * storing 4096/N bytes at a time (bench/bug1-nN-wW.yaml; model knobs -DN and -DNWRITERS).
 */
export const SCALED = [
  { n: 4, writers: 1 },
  { n: 8, writers: 1 },
  { n: 4, writers: 2 },
  { n: 8, writers: 2 },
] as const;

/** One faultline command measured end to end in its own process. */
export interface MeasuredRun {
  strategy: string;
  verdict: string;
  invariants: string[];
  complete: boolean;
  executions: number;
  /** Distinct states stored: null for a stateless exploration. */
  statesStored: number | null;
  /** Wall time of the whole command (start-up, loading, exploring, minimising, reporting). */
  seconds: number;
  peakMB: number;
  error?: string;
}

export interface ScaledFigures {
  workload: string;
  n: number;
  writers: number;
  /** fork-copy under `--preemptions unbounded`, plain DFS with state caching: a proof when complete. */
  proof: MeasuredRun;
  /** mapcount-reuse with `--bail`: time to the first (minimised) counterexample. */
  bail: MeasuredRun;
  /** Spin on the equivalent model: -DFORKCOPY for the proof; mapcount-reuse for the bug. */
  spin: { proof: SpinFigures; bail: SpinFigures } | null;
  /** faultline / Spin (below 1: faultline is faster or smaller). */
  ratios: { proofSeconds: number; proofMemory: number; bailSeconds: number } | null;
}

const CHILD = fileURLToPath(new URL('./measuredRun.js', import.meta.url));

function measure(file: string, strategy: string, bail: boolean, capSeconds: number, extra: string[] = []): MeasuredRun {
  const out = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  try {
    const args = [CHILD, 'run', file, '--strategy', strategy, '--preemptions', 'unbounded', '--jobs', '1', '--time-budget', String(capSeconds), '--format', 'json', '--out', out, '--json', '--no-color', ...(bail ? ['--bail'] : []), ...extra];
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const seconds = (performance.now() - t0) / 1000;
    const rss = /FAULTLINE_MAXRSS_KB=(\d+)/.exec(r.stderr ?? '');
    const peakMB = rss ? Number(rss[1]) / 1024 : NaN;
    let run: RunResult | undefined;
    try {
      run = (JSON.parse(r.stdout) as { runs: RunResult[] }).runs[0];
    } catch {
      run = undefined;
    }
    if (run === undefined) {
      return { strategy, verdict: 'error', invariants: [], complete: false, executions: 0, statesStored: null, seconds, peakMB, error: (r.stderr ?? '').trim().split('\n')[0] ?? 'no result' };
    }
    return {
      strategy,
      verdict: run.verdict,
      invariants: run.violations.map((v) => v.invariant),
      complete: run.exploration.complete,
      executions: run.exploration.executions,
      statesStored: run.exploration.statesStored ?? null,
      seconds,
      peakMB,
      ...(run.error ? { error: run.error.split('\n')[0]! } : {}),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The four scaled workloads: fork-copy proven over every interleaving, mapcount-reuse's first
 * counterexample with --bail, and (with `spin` and gcc on PATH) Spin's figures on the same model
 * in the same run.
 */
export function runScaled(benchDir: string, capSeconds: number, onLine?: (s: string) => void): ScaledFigures[] {
  const withSpin = spinAvailable();
  const out: ScaledFigures[] = [];
  for (const { n, writers } of SCALED) {
    const workload = `bench/bug1-n${n}-w${writers}`;
    const file = join(benchDir, `bug1-n${n}-w${writers}.yaml`);
    // The proof stores states (plain DFS with a visited set: sound with no bound); stateless DPOR
    // enumerates trace classes, hundreds of thousands here (docs/performance.md).
    const proof = measure(file, 'fork-copy', false, capSeconds, ['--explore', 'dfs', '--state-cache']);
    const bail = measure(file, 'mapcount-reuse', true, capSeconds);
    let spin: ScaledFigures['spin'] = null;
    if (withSpin) {
      const model = join(benchDir, 'spin', 'model.pml');
      const defs = [`-DN=${n}`, `-DNWRITERS=${writers}`];
      spin = { proof: runSpin(model, ['-DFORKCOPY', ...defs]), bail: runSpin(model, defs) };
    }
    const ratios = spin ? { proofSeconds: proof.seconds / spin.proof.pipelineSeconds, proofMemory: proof.peakMB / spin.proof.memoryMB, bailSeconds: bail.seconds / spin.bail.pipelineSeconds } : null;
    const f: ScaledFigures = { workload, n, writers, proof, bail, spin, ratios };
    out.push(f);
    onLine?.(renderScaledLine(f));
  }
  return out;
}

const num = (x: number, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');

function describe(m: MeasuredRun): string {
  if (m.verdict === 'error') return `stopped after ${num(m.executions)} executions, ${num(m.seconds, 1)} s (${m.error ?? 'error'})`;
  const what = m.verdict === 'pass' ? (m.complete ? 'proven' : 'pass, NOT complete') : `${m.invariants.join('+')}`;
  const states = m.statesStored !== null ? `, ${num(m.statesStored)} states` : '';
  return `${what}: ${num(m.executions)} executions${states}, ${num(m.seconds, 2)} s, ${num(m.peakMB)} MB`;
}

export function renderScaledLine(f: ScaledFigures): string {
  const head = `N=${f.n} W=${f.writers}`;
  const lines = [`${head}  fork-copy unbounded, DFS + state cache: ${describe(f.proof)}`, `${' '.repeat(head.length)}  mapcount-reuse --bail: ${describe(f.bail)}`];
  if (f.spin && f.ratios) {
    const s = f.spin;
    lines.push(`${' '.repeat(head.length)}  Spin: proof ${num(s.proof.pipelineSeconds, 2)} s, ${num(s.proof.statesStored)} states, ${num(s.proof.memoryMB)} MB${s.proof.complete ? '' : ` (${s.proof.violation})`}; bug ${num(s.bail.pipelineSeconds, 2)} s (${s.bail.violation ?? 'none found'})`);
    // A proof that did not finish within the cap has no ratio, only a lower bound.
    const proof = f.proof.complete ? `proof time ×${num(f.ratios.proofSeconds, 1)}, proof memory ×${num(f.ratios.proofMemory, 2)}` : `proof not complete within the cap (time ≥ ×${num(f.ratios.proofSeconds, 1)})`;
    const bug = f.bail.invariants.length > 0 ? `bug time ×${num(f.ratios.bailSeconds, 1)}` : 'no bug found';
    lines.push(`${' '.repeat(head.length)}  faultline/Spin: ${proof}, ${bug}`);
  } else lines.push(`${' '.repeat(head.length)}  Spin: not on PATH (apt-get install spin) — no ratios`);
  return lines.join('\n');
}
