import type { Kernel } from '../../core/Strategy.js';
import { Execution } from '../runtime/Execution.js';
import type { Workload } from '../workload/types.js';
import { Replay } from './Replay.js';

export interface Shrunk {
  plan: number[];
  preemptions: number;
  steps: number;
}

function replays(w: Workload, kernel: Kernel, plan: number[], invariant: string): Shrunk | null {
  const c = new Replay(plan);
  c.begin();
  const r = new Execution(w, kernel, c, { trace: false, maxSteps: w.explore.steps }).run();
  if (!r.violations.some((v) => v.invariant === invariant)) return null;
  return { plan: c.deviations, preemptions: c.preemptions, steps: r.stats.steps };
}

/**
 * Shrink a counterexample found by random, PCT or DPOR exploration: drop departures from the
 * default schedule one at a time (last first) while the invariant stays violated, then keep the
 * smallest by (preemptions, steps). Plain DFS needs none of this: it already keeps the smallest it
 * saw; DPOR saw one schedule of each equivalence class, not always the class's cheapest.
 */
export function shrinkPlan(w: Workload, kernel: Kernel, start: Shrunk, invariant: string, maxReplays = 200): Shrunk {
  let best = start;
  let replaysLeft = maxReplays;
  let progress = true;
  while (progress && replaysLeft > 0) {
    progress = false;
    for (let i = best.plan.length - 2; i >= 0 && replaysLeft > 0; i -= 2) {
      const candidate = [...best.plan.slice(0, i), ...best.plan.slice(i + 2)];
      replaysLeft--;
      const r = replays(w, kernel, candidate, invariant);
      if (r !== null && (r.preemptions < best.preemptions || (r.preemptions === best.preemptions && r.steps <= best.steps))) {
        best = r;
        progress = true;
        break;
      }
    }
  }
  return best;
}
