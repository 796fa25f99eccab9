import type { PlannedRun } from './Runner.js';
import { judgeExpected, modelKey } from './Runner.js';
import { combineParts } from './splitRun.js';
import type { ResultsFile, RunResult } from './results.js';
import { uniqueInOrder } from './report/common.js';

/**
 * `--shard I/N`. Runs that explore the same model (a kernel alias such as v2.6.32 and the strategy
 * it names) stay in one shard, so sharding never explores anything twice; the groups are dealt out
 * round-robin in plan order, which depends only on the workload files and the strategies, never on
 * timing, so every CI job computes the same split.
 */
export interface Shard {
  index: number;
  count: number;
}

export class ShardError extends Error {}

export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s);
  if (!m) throw new ShardError(`--shard takes I/N, e.g. 1/4 (got ${s})`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new ShardError(`--shard ${s}: I must be between 1 and N, and N at least 1`);
  return { index, count };
}

export function shardPlans(plans: readonly PlannedRun[], shard: Shard): { plans: PlannedRun[]; positions: number[] } {
  const group = new Map<string, number>();
  const out: PlannedRun[] = [];
  const positions: number[] = [];
  plans.forEach((p, i) => {
    const key = modelKey(p.workload, p.kernel);
    let g = group.get(key);
    if (g === undefined) group.set(key, (g = group.size));
    if (g % shard.count === shard.index - 1) {
      out.push(p);
      positions.push(i);
    }
  });
  return { plans: out, positions };
}

export class MergeError extends Error {}

/**
 * Shard results back into the unsharded results.json: runs in their unsharded order, the earliest
 * start time. Results without shard information (e.g. runs of different folders) are joined in the
 * order given, refusing a workload × strategy that appears twice.
 */
export function mergeResults(parts: readonly { name: string; results: ResultsFile }[]): ResultsFile {
  if (parts.length === 0) throw new MergeError('nothing to merge');
  const seeds = new Set(parts.map((p) => p.results.seed));
  if (seeds.size > 1) throw new MergeError(`the parts were run with different seeds (${[...seeds].join(', ')})`);
  const startedAt = parts.map((p) => p.results.startedAt).sort()[0]!;
  const sharded = parts.filter((p) => p.results.shard !== undefined);
  let runs: RunResult[];
  if (sharded.length === 0) {
    runs = parts.flatMap((p) => p.results.runs);
    const seen = new Set<string>();
    for (const r of runs) {
      const k = `${r.workload} × ${r.strategy}`;
      if (seen.has(k)) throw new MergeError(`${k} appears in more than one part`);
      seen.add(k);
    }
  } else {
    if (sharded.length !== parts.length) {
      const plain = parts.find((p) => p.results.shard === undefined)!;
      throw new MergeError(`${plain.name} is not a shard's results, but ${sharded[0]!.name} is (merge shards of one run only)`);
    }
    const first = sharded[0]!.results.shard!;
    const byIndex = new Map<number, string>();
    for (const p of sharded) {
      const s = p.results.shard!;
      if (s.count !== first.count || s.total !== first.total) throw new MergeError(`${p.name} is shard ${s.index}/${s.count} of ${s.total} runs, ${sharded[0]!.name} is ${first.index}/${first.count} of ${first.total}`);
      if (s.positions.length !== p.results.runs.length) throw new MergeError(`${p.name}: shard positions do not match its runs`);
      const dup = byIndex.get(s.index);
      if (dup !== undefined) throw new MergeError(`${p.name} and ${dup} are both shard ${s.index}/${s.count}`);
      byIndex.set(s.index, p.name);
    }
    const missing = Array.from({ length: first.count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
    if (missing.length > 0) throw new MergeError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${first.count}`).join(', ')} missing`);
    const split = sharded.filter((p) => p.results.shard!.split === true);
    if (split.length > 0) {
      if (split.length !== sharded.length) throw new MergeError(`${split[0]!.name} is part of a split run, ${sharded.find((p) => p.results.shard!.split !== true)!.name} is not`);
      // Every shard holds a part of every run: add the parts up, in shard order.
      const ordered = [...sharded].sort((a, b) => a.results.shard!.index - b.results.shard!.index);
      const runs: RunResult[] = [];
      for (let pos = 0; pos < first.total; pos++) {
        const parts = ordered.map((p) => {
          const i = p.results.shard!.positions.indexOf(pos);
          if (i < 0) throw new MergeError(`${p.name} has no part of run ${pos} of ${first.total}`);
          return p.results.runs[i]!;
        });
        let r: RunResult;
        try {
          r = combineParts(parts);
        } catch (e) {
          throw new MergeError(e instanceof Error ? e.message : String(e));
        }
        judgeExpected(r, r.expected);
        runs.push(r);
      }
      return { faultline: 1, seed: parts[0]!.results.seed, startedAt, runs };
    }
    const slots: (RunResult | undefined)[] = new Array(first.total);
    for (const p of sharded) {
      p.results.shard!.positions.forEach((pos, i) => {
        if (pos < 0 || pos >= first.total || slots[pos] !== undefined) throw new MergeError(`${p.name}: run position ${pos} is out of range or taken twice`);
        slots[pos] = p.results.runs[i]!;
      });
    }
    const hole = slots.findIndex((r) => r === undefined);
    if (hole >= 0) throw new MergeError(`no shard has run ${hole} of ${first.total}`);
    runs = slots as RunResult[];
  }
  const from = uniqueInOrder(parts.flatMap((p) => p.results.strategiesFrom ?? []));
  return { faultline: 1, seed: parts[0]!.results.seed, startedAt, runs, ...(from.length > 0 ? { strategiesFrom: from } : {}) };
}
