import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FootprintLog } from '../../src/core/sched/Footprint.js';
import { COST_NAMES } from '../../src/core/stats.js';
import { Dfs } from '../../src/harness/explore/Dfs.js';
import { traceKey } from '../../src/harness/explore/traces.js';
import { Execution } from '../../src/harness/runtime/Execution.js';
import { loadWorkloadFile } from '../../src/harness/workload/load.js';
import { CONFIGS, registry } from '../helpers.js';

const reg = registry();

/**
 * Every execution of one Mazurkiewicz trace (the same steps, independent ones in another order) must
 * cost the same: otherwise a figure would say which representative the explorer happened to pick,
 * and DPOR (one representative per trace) and DFS (all of them) would disagree on min and max.
 */
function costsByTrace(id: string, strategy: string, preemptions: number): Map<string, Set<string>> {
  const w = loadWorkloadFile(join(CONFIGS, `${id}.yaml`), id, reg);
  const kernel = reg.resolve(strategy);
  const dfs = new Dfs(preemptions, []);
  dfs.footprints = new FootprintLog();
  const byTrace = new Map<string, Set<string>>();
  do {
    dfs.begin();
    const r = new Execution(w, kernel, dfs, { trace: false, maxSteps: w.explore.steps }).run();
    if (r.end.kind === 'pruned') continue;
    const key = traceKey(dfs.footprints);
    const s = r.stats as unknown as Record<string, number>;
    const cost = COST_NAMES.map((n) => `${n}=${s[n]}`).join(' ');
    let set = byTrace.get(key);
    if (set === undefined) byTrace.set(key, (set = new Set()));
    set.add(cost);
  } while (dfs.advance());
  return byTrace;
}

describe('cost does not depend on which representative of a trace was explored', () => {
  const cases: [string, string, number][] = [
    ['gup-cow/bug1-dio-read-get', 'mm-gup-rwsem', 1],
    ['gup-cow/bug1-dio-read-get-swapped', 'fork-copy', 1],
    ['gup-unlock/mmap-writer-behind-userfault', 'gup-hold', 1],
    ['user-events/readonly-restored-reenable', 'async-retry-forever', 2],
    ['user-events/not-present-at-enable', 'sync-fault', 2],
    ['uffd-retry/sigkill-while-blocked', 'tried-once', 1],
    ['uffd-retry/dontneed-between-wakeup-and-retry', 'spinlock-recheck', 1],
    ['uffd-wp-shmem/punch-hole-racing-write', 'pte-marker', 2],
  ];
  for (const [id, strategy, pre] of cases) {
    it(`${id} × ${strategy}`, () => {
      const byTrace = costsByTrace(id, strategy, pre);
      expect(byTrace.size).toBeGreaterThan(1);
      for (const [key, costs] of byTrace) expect([...costs], `trace ${key}`).toEqual([[...costs][0]]);
    });
  }
});
