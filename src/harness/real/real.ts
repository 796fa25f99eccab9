import { release } from 'node:os';
import { parseVersion } from '../features.js';
import type { Registry } from '../registry.js';
import { explore } from '../explore/explore.js';
import type { RunResult } from '../results.js';
import { UNBOUNDED, type OpNode, type Workload } from '../workload/types.js';
import { compileWorkload, type HostFacts, type RunSettings } from './compile.js';
import { runExecutor, type RealRun } from './executor.js';
import { tearMatcher, type TearMatcher } from './tears.js';
import { killVariants } from './killWindows.js';

/**
 * litmus7 for mm: the outcomes the real kernel produced for a workload, held against the outcomes
 * the model allows on the timeline matching the running kernel.
 */
export interface RealObserved {
  outcome: string;
  count: number;
  allowedByModel: boolean;
  /** Allowed as a torn DMA, store or copy of this model outcome (see tears.ts), not as itself. */
  tearOf?: string;
  /** Allowed as this model outcome with a kill landing around an op the executor saw in flight (killWindows.ts). */
  killOf?: string;
  /** Allowed as this model outcome, whose ops that never return the executor saw blocked until --timeout (`stuck`). */
  stuckOf?: string;
  /** The first run that produced it (its delays are seeded: `--seed` and the run number). */
  firstRun: number;
}

export type RealStatus = 'consistent' | 'inconsistent' | 'skip' | 'error';

export interface RealWorkload {
  workload: string;
  status: RealStatus;
  skip?: string;
  runs: number;
  observed: RealObserved[];
  /** Outcomes the model allows that no run produced (litmus7's "Sometimes/Never" information). */
  modelOnly: string[];
  /** Runs that overran the per-run timeout and were killed (their blocked ops say `stuck`). */
  timeouts: number;
  /** How the model was run for the comparison. */
  model?: { strategy: string; executions: number; complete: boolean; preemptions: number | 'unbounded'; outcomes: number };
  /** What the executor did differently from the workload's letter, and why. */
  notes?: string[];
  /** status error: what went wrong running it (the executor failed; nothing was compared). */
  error?: string;
  /** For an inconsistent workload: a command that reruns it. */
  reproduce?: string;
}

export interface RealReport {
  /** uname -r */
  kernel: string;
  /** The named kernel timeline the model ran as. */
  timeline: string;
  seed: number;
  runsPerWorkload: number;
  workloads: RealWorkload[];
}

/** "6.18.44-fc" -> [6, 18, 44]; "v5.19" -> [5, 19] (one parser for every release string). */
export { parseVersion };

/** The newest named timeline not newer than the running kernel (`--strategy host`: Registry.hostKernel). */
export function hostTimeline(reg: Registry, kernel = release()): string | null {
  return reg.hostKernel(kernel)?.name ?? null;
}

/**
 * The workload as this kernel runs it: an O_DIRECT request pins its buffer (FOLL_PIN) on every kernel
 * the executor is meant for (the block layer's direct I/O moved from iov_iter_get_pages to
 * iov_iter_extract_pages, i.e. FOLL_PIN, with David Howells' 2023 series after 6.2), whatever `gup:`
 * the workload asks the model for, so the model is asked about the request the kernel makes.
 */
export function asThisKernelRunsIt(w: Workload, machinePage = w.pageSize): { workload: Workload; notes: string[] } {
  const notes: string[] = [];
  // A workload written for another page size (the cost series use 1 KiB pages to stay cheap to
  // explore) runs with the machine's pages, and the model is asked about that same workload:
  // VMAs of as many pages, byte offsets and lengths as written.
  if (w.pageSize !== machinePage) notes.push(`page_size ${w.pageSize} runs with this machine's ${machinePage}-byte pages (VMAs of as many pages, byte offsets as written); the model is asked about page_size ${machinePage}`);
  const fix = (node: OpNode): OpNode => {
    if ((node.op === 'dio_read' || node.op === 'dio_write') && (node.args as { gup?: string }).gup === 'get') {
      notes.push(`${node.op} gup: get runs as FOLL_PIN: this kernel's O_DIRECT pins its buffer; the model is asked about gup: pin`);
      return { ...node, args: { ...(node.args as object), gup: 'pin' } };
    }
    return node;
  };
  const processes = w.processes.map((p) => ({ ...p, threads: p.threads.map((th) => ({ ...th, ops: th.ops.map(fix) })) }));
  return { workload: notes.length ? { ...w, pageSize: machinePage, processes } : w, notes: [...new Set(notes)] };
}

/** The model outcome a real one stands for under the comparison rules, or null. */
export function relaxedMatch(outcome: string, allowed: ReadonlySet<string>, tears: TearMatcher | null): { why: 'tearOf' | 'killOf' | 'stuckOf'; outcome: string } | null {
  const t = tears?.match(outcome, allowed) ?? null;
  if (t !== null) return { why: 'tearOf', outcome: t };
  for (const v of killVariants(outcome, allowed)) {
    if (allowed.has(v)) return { why: 'killOf', outcome: v };
    const vt = tears?.match(v, allowed) ?? null;
    if (vt !== null) return { why: 'killOf', outcome: vt };
  }
  // An op blocked for good: the executor kills the run at --timeout and reports it `stuck`; in the
  // model it never returns, so it has no entry (the execution ends in a deadlock).
  const unstuck = outcome.split('; ').filter((e) => !e.endsWith('=stuck')).join('; ');
  if (unstuck !== outcome) {
    if (allowed.has(unstuck)) return { why: 'stuckOf', outcome: unstuck };
    const r = relaxedMatch(unstuck, allowed, tears);
    if (r !== null) return { why: 'stuckOf', outcome: r.outcome };
  }
  return null;
}

/**
 * The kernel's schedules are not bounded in preemptions, so the model is asked about every
 * interleaving (DPOR, no bound) when that takes at most UNBOUNDED_BUDGET executions, and about the
 * workload's own bound otherwise; `--preemptions` chooses. A workload whose threads sibling-kill
 * each other on 6.18 needed a second preemption at the workload's bound of 1 (a thread killed
 * after its post, a sibling after its munmap).
 */
export const UNBOUNDED_BUDGET = 2000;

function modelOutcomes(w: Workload, kernel: ReturnType<Registry['resolve']>, preemptions: number | undefined): RunResult {
  if (preemptions !== undefined) return explore(w, kernel, { preemptions });
  const exhaustive = w.explore.mode === 'exhaustive' || w.explore.mode === 'dpor' || w.explore.mode === 'dfs';
  if (exhaustive && Number.isFinite(w.explore.preemptions)) {
    const all = explore(w, kernel, { mode: 'exhaustive', preemptions: UNBOUNDED, budget: UNBOUNDED_BUDGET });
    if (all.exploration.complete) return all;
  }
  return explore(w, kernel);
}

export interface RealOptions extends RunSettings {
  timeline: string;
  /** The model's preemption bound (default: see modelOutcomes). */
  preemptions?: number;
  host: HostFacts;
  bin: string;
  /** The command line that reruns one workload, for inconsistent ones. */
  reproduce: (w: Workload) => string;
  onModel?: (r: RunResult) => void;
}

/** Compare one workload: the model's outcome set on the timeline, then K real runs. */
export async function realWorkload(w: Workload, reg: Registry, o: RealOptions): Promise<{ real: RealWorkload; model: RunResult | null }> {
  const skip = (why: string) => ({ real: { workload: w.id, status: 'skip' as const, skip: why, runs: 0, observed: [], modelOnly: [], timeouts: 0 }, model: null });
  const { workload: mw, notes } = asThisKernelRunsIt(w, o.host.pageSize ?? w.pageSize);
  const c = compileWorkload(mw, o.host, o);
  if ('skip' in c) return skip(c.skip);
  // A timeline older than the kernel may lack a feature the workload needs: nothing to hold it to.
  const lacks = reg.skipReason(mw, o.timeline);
  if (lacks !== null) return skip(`the model's ${o.timeline} lacks ${lacks}`);
  const model = modelOutcomes(mw, reg.resolve(o.timeline), o.preemptions);
  o.onModel?.(model);
  const allowed = new Set((model.outcomes ?? []).map((x) => x.outcome));
  let runs: RealRun[];
  try {
    runs = await runExecutor(o.bin, c.ok);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    return { real: { workload: w.id, status: 'error', error, runs: 0, observed: [], modelOnly: [], timeouts: 0, reproduce: o.reproduce(w) }, model };
  }
  const stuck = runs.find((r) => r.unkillable === true);
  if (stuck !== undefined) {
    const error = `run ${stuck.run}: a task of the run did not die of SIGKILL within 2 s of being killed (stuck in the kernel: see docs/real-kernel.md, finding 12); no further run was made (${runs.length} of ${o.runs})`;
    return { real: { workload: w.id, status: 'error', error, runs: runs.length, observed: [], modelOnly: [], timeouts: runs.filter((r) => r.timedOut).length, reproduce: o.reproduce(w) }, model };
  }
  const seen = new Map<string, RealObserved>();
  let timeouts = 0;
  const tears = tearMatcher(mw);
  for (const r of runs) {
    if (r.timedOut) timeouts++;
    const s = seen.get(r.outcome);
    if (s) s.count++;
    else {
      const as = allowed.has(r.outcome) ? null : relaxedMatch(r.outcome, allowed, tears);
      seen.set(r.outcome, { outcome: r.outcome, count: 1, allowedByModel: allowed.has(r.outcome) || as !== null, ...(as !== null ? { [as.why]: as.outcome } : {}), firstRun: r.run });
    }
  }
  const observed = [...seen.values()].sort((a, b) => b.count - a.count || (a.outcome < b.outcome ? -1 : 1));
  const status: RealStatus = observed.every((x) => x.allowedByModel) ? 'consistent' : 'inconsistent';
  const reached = new Set([...seen.values()].map((x) => x.tearOf ?? x.killOf ?? x.stuckOf ?? x.outcome));
  const modelOnly = [...allowed].filter((x) => !reached.has(x)).sort();
  const real: RealWorkload = {
    workload: w.id,
    status,
    runs: runs.length,
    observed,
    modelOnly,
    timeouts,
    model: { strategy: o.timeline, executions: model.exploration.executions, complete: model.exploration.complete, preemptions: model.exploration.preemptions ?? (Number.isFinite(w.explore.preemptions) ? w.explore.preemptions : 'unbounded'), outcomes: allowed.size },
    ...(notes.length ? { notes } : {}),
    ...(status === 'inconsistent' ? { reproduce: o.reproduce(w) } : {}),
  };
  return { real, model };
}
