import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Spin on the equivalent Promela model (bench/spin/model.pml, from the project's Spin anchor), run
 * the way the anchor measured it: `spin -a` + `gcc -O2 -DSAFETY` + `./pan -m100000`, timed as one
 * pipeline, so that faultline's figures can be given as ratios to Spin's on the same machine.
 */
export interface SpinFigures {
  /** `spin -a` + gcc + pan, seconds. */
  pipelineSeconds: number;
  panSeconds: number;
  statesStored: number;
  transitions: number;
  /** pan's "total actual memory usage", MB. */
  memoryMB: number;
  /** The assertion pan reports violated, or null when it found no error. */
  violation: string | null;
  /** The search covered the whole state space (no error stopped it). */
  complete: boolean;
}

/** Is Spin (and a C compiler for pan) on PATH? */
export function spinAvailable(): boolean {
  const ok = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { stdio: 'ignore' });
    return r.error === undefined && r.status === 0;
  };
  return ok('spin', ['-V']) && ok('gcc', ['--version']);
}

/** Parse pan's report. */
export function parsePan(out: string): Omit<SpinFigures, 'pipelineSeconds' | 'panSeconds'> {
  const num = (re: RegExp) => {
    const m = re.exec(out);
    return m ? Number(m[1]) : NaN;
  };
  const v = /assertion violated\s+(.+?)\s+\(at depth/.exec(out);
  const errors = num(/errors: (\d+)/);
  return {
    statesStored: num(/([\d.e+]+) states, stored/),
    transitions: num(/([\d.e+]+) transitions \(= stored\+matched\)/),
    memoryMB: num(/([\d.]+)\s+total actual memory usage/),
    violation: v ? v[1]! : errors > 0 ? 'error' : null,
    complete: errors === 0,
  };
}

/** Run the pipeline for one configuration in a scratch folder. */
export function runSpin(model: string, defines: string[]): SpinFigures {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-spin-'));
  try {
    copyFileSync(model, join(dir, 'model.pml'));
    const t0 = performance.now();
    execFileSync('spin', [...defines, '-a', 'model.pml'], { cwd: dir, stdio: 'ignore' });
    execFileSync('gcc', ['-O2', '-DSAFETY', '-o', 'pan', 'pan.c'], { cwd: dir, stdio: 'ignore' });
    const t1 = performance.now();
    // pan exits non-zero when it finds an error: that is a result, not a failure.
    const r = spawnSync('./pan', ['-m100000'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const t2 = performance.now();
    return { ...parsePan(r.stdout ?? ''), pipelineSeconds: (t2 - t0) / 1000, panSeconds: (t2 - t1) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
