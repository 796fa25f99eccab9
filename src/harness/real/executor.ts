import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../cli/paths.js';
import type { CompiledWorkload } from './compile.js';

/** The executor cannot be had here (not Linux, no C compiler, build failed): `real` exits 2 saying so. */
export class ExecutorUnavailable extends Error {}

export function executorSources(): string {
  return join(packageRoot(), 'native', 'executor');
}

/**
 * Build native/executor with the system's C compiler ($CC, else cc) on first use, into a file named
 * by the sources' hash (so an edited source rebuilds) next to the sources, or under ~/.cache when
 * the package folder is read-only.
 */
export function buildExecutor(): string {
  if (process.platform !== 'linux') throw new ExecutorUnavailable(`faultline real runs workloads on a Linux kernel; this is ${process.platform}`);
  const src = executorSources();
  const files = readdirSync(src).filter((f) => f.endsWith('.c') || f.endsWith('.h')).sort();
  const h = createHash('sha256');
  for (const f of files) h.update(f).update(readFileSync(join(src, f)));
  const name = `faultline-exec-${h.digest('hex').slice(0, 12)}`;
  let dir = join(src, 'build');
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch {
    dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'faultline');
    mkdirSync(dir, { recursive: true });
  }
  const bin = join(dir, name);
  if (existsSync(bin)) return bin;
  const cc = process.env.CC ?? 'cc';
  const tmp = `${bin}.${process.pid}.tmp`;
  try {
    execFileSync(cc, ['-O2', '-Wall', '-o', tmp, ...files.filter((f) => f.endsWith('.c')).map((f) => join(src, f)), '-lpthread'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new ExecutorUnavailable(`no C compiler: faultline real builds its executor (native/executor) with ${cc}; install one (e.g. gcc) or set CC`);
    throw new ExecutorUnavailable(`building native/executor with ${cc} failed:\n${err.stderr?.toString() ?? err.message}`);
  }
  renameSync(tmp, bin);
  return bin;
}

const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;
const OVERLAYFS_MAGIC = 0x794c7630;

/**
 * A directory for the O_DIRECT file: on a block-backed filesystem (tmpfs has no device to DMA from;
 * overlayfs only passes it on), writable. $FAULTLINE_DIO_DIR wins; then the usual places.
 */
export function findDioDir(): string | null {
  const env = process.env.FAULTLINE_DIO_DIR;
  const candidates = env ? [env] : [tmpdir(), '/var/tmp', process.cwd(), homedir()];
  for (const d of candidates) {
    try {
      accessSync(d, constants.W_OK);
      const t = Number(statfsSync(d).type);
      if (t === TMPFS_MAGIC || t === RAMFS_MAGIC || t === OVERLAYFS_MAGIC) continue;
      return d;
    } catch {
      continue;
    }
  }
  return null;
}

/** One real run: its number, whether it overran the timeout (then its blocked ops say `stuck`), its outcome. */
export interface RealRun {
  run: number;
  timedOut: boolean;
  /** A task of the run did not die of SIGKILL: stuck in the kernel; the executor made no further run. */
  unkillable?: true;
  outcome: string;
}

/** Run a compiled workload `runs` times; the executor bounds every run, this bounds the whole. */
export function runExecutor(bin: string, c: CompiledWorkload): Promise<RealRun[]> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-real-'));
  const file = join(dir, 'workload.json');
  writeFileSync(file, JSON.stringify(c));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // Each run is bounded by the executor; a margin for setup on top.
    const limit = setTimeout(() => child.kill('SIGKILL'), c.runs * (c.timeoutMs + 1000) + 10_000);
    // 'close' once all output is read; but a task stuck in the kernel keeps the inherited stdout
    // open for good, so 'exit' finishes too, after a grace for the output still in the pipe.
    child.on('close', (code, sig) => finish(code, sig));
    child.on('exit', (code, sig) => setTimeout(() => finish(code, sig), 2000).unref());
    let finished = false;
    const finish = (code: number | null, sig: NodeJS.Signals | null) => {
      if (finished) return;
      finished = true;
      child.stdout.destroy();
      child.stderr.destroy();
      clearTimeout(limit);
      rmSync(dir, { recursive: true, force: true });
      if (code !== 0) {
        reject(new Error(`the executor ${sig ? `was killed by ${sig}` : `exited with ${code}`}: ${err.trim()}`));
        return;
      }
      const runs: RealRun[] = [];
      for (const line of out.split('\n')) {
        if (line === '') continue;
        const [n, status, outcome] = line.split('\t');
        runs.push({ run: Number(n), timedOut: status !== 'ok', ...(status === 'unkillable' ? { unkillable: true as const } : {}), outcome: outcome ?? '' });
      }
      resolvePromise(runs);
    };
  });
}
