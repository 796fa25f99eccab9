import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelKey, planRuns } from '../../src/harness/Runner.js';
import { MergeError, mergeResults, parseShard, ShardError, shardPlans } from '../../src/harness/shard.js';
import { loadWorkloads } from '../../src/harness/workloads.js';
import { CONFIGS, registry } from '../helpers.js';
import { results, run } from './report/fixtures.js';

const reg = registry();
const plans = planRuns(loadWorkloads([join(CONFIGS, 'gup-cow')], CONFIGS, reg), reg);

describe('--shard I/N', () => {
  it('parses I/N and refuses anything else', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/2', '3/2', '1/0', '1', 'a/b', '1/2/3']) expect(() => parseShard(bad)).toThrow(ShardError);
  });

  it('splits the runs into parts that are disjoint and together exactly the whole, for any N', () => {
    for (const n of [1, 2, 3, 5, plans.length + 3]) {
      const parts = Array.from({ length: n }, (_, i) => shardPlans(plans, { index: i + 1, count: n }));
      const positions = parts.flatMap((p) => p.positions).sort((a, b) => a - b);
      expect(positions).toEqual(plans.map((_, i) => i));
      for (const p of parts) expect(p.plans).toEqual(p.positions.map((i) => plans[i]));
    }
  });

  it('is deterministic and keeps runs of one model (a kernel and the strategy it aliases) in one shard', () => {
    const a = shardPlans(plans, { index: 1, count: 3 }).positions;
    expect(shardPlans(plans, { index: 1, count: 3 }).positions).toEqual(a);
    const shardOf = new Map<string, number>();
    for (let i = 1; i <= 3; i++) {
      for (const p of shardPlans(plans, { index: i, count: 3 }).plans) {
        const k = modelKey(p.workload, p.kernel);
        expect(shardOf.get(k) ?? i).toBe(i);
        shardOf.set(k, i);
      }
    }
    // The timelines alias strategies (v2.6.32 is mapcount-reuse), so there are fewer models than runs.
    expect(shardOf.size).toBeLessThan(plans.length);
  });

  it('deals runs out so no shard is empty while there is work for it', () => {
    for (let i = 1; i <= 4; i++) expect(shardPlans(plans, { index: i, count: 4 }).plans.length).toBeGreaterThan(0);
  });
});

describe('merge', () => {
  const whole = [run('f/a', 's'), run('f/a', 't'), run('f/b', 's'), run('f/b', 't')];
  const part = (index: number, positions: number[], startedAt: string) => ({
    name: `shard${index}`,
    results: { ...results(positions.map((p) => whole[p]!)), startedAt, shard: { index, count: 2, total: 4, positions } },
  });

  it('puts shard runs back in unsharded order and keeps the earliest start', () => {
    const m = mergeResults([part(2, [1, 2], '2024-05-01T00:00:02.000Z'), part(1, [0, 3], '2024-05-01T00:00:01.000Z')]);
    expect(m.runs).toEqual(whole);
    expect(m.startedAt).toBe('2024-05-01T00:00:01.000Z');
    expect(m.shard).toBeUndefined();
  });

  it('refuses a missing, doubled or foreign shard, and different seeds', () => {
    const t = '2024-05-01T00:00:00.000Z';
    expect(() => mergeResults([part(1, [0, 3], t)])).toThrow(/shard 2\/2 missing/);
    expect(() => mergeResults([part(1, [0, 3], t), part(1, [1, 2], t)])).toThrow(/both shard 1\/2/);
    expect(() => mergeResults([part(1, [0, 3], t), part(2, [1, 3], t)])).toThrow(MergeError);
    expect(() => mergeResults([part(1, [0, 3], t), { name: 'plain', results: results([]) }])).toThrow(/plain is not a shard/);
    expect(() => mergeResults([part(1, [0, 3], t), { name: 'x', results: { ...part(2, [1, 2], t).results, seed: 9 } }])).toThrow(/different seeds/);
  });

  it('joins unsharded results in the order given, refusing a run that appears twice', () => {
    expect(mergeResults([{ name: 'a', results: results(whole.slice(0, 2)) }, { name: 'b', results: results(whole.slice(2)) }]).runs).toEqual(whole);
    expect(() => mergeResults([{ name: 'a', results: results(whole) }, { name: 'b', results: results(whole.slice(2)) }])).toThrow(/f\/b × s appears in more than one part/);
  });
});
