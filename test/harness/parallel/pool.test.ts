import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planRuns, runPlans, runPlansParallel } from '../../../src/harness/Runner.js';
import { loadWorkloads } from '../../../src/harness/workloads.js';
import { CONFIGS, ROOT, registry } from '../../helpers.js';

/** The worker threads run the built dist/ (npm test builds before vitest starts). */
const worker = pathToFileURL(join(ROOT, 'dist/src/harness/parallel/worker.js'));
const reg = registry();
const plans = planRuns(loadWorkloads([join(CONFIGS, 'gup-cow/bug2-dio-write-get.yaml')], CONFIGS, reg), reg, { strategies: ['mapcount-reuse', 'refcount-reuse', 'v5.9'] });

describe('runs on worker threads', () => {
  it('give the results of the in-process runner, in plan order', async () => {
    const strip = (rs: { exploration: { ms: number } }[]) => JSON.stringify(rs.map((r) => ({ ...r, exploration: { ...r.exploration, ms: 0 } })));
    const par = await runPlansParallel(plans, 2, join(CONFIGS, 'kernels.yaml'), {}, worker);
    expect(par.map((r) => r.strategy)).toEqual(['mapcount-reuse', 'refcount-reuse', 'v5.9']);
    expect(strip(par)).toBe(strip(runPlans(plans)));
  });

  it('fail loudly when a worker cannot do its work, instead of returning no runs', async () => {
    await expect(runPlansParallel(plans, 2, join(CONFIGS, 'no-such-kernels.yaml'), {}, worker)).rejects.toThrow(/no-such-kernels/);
  });
});
