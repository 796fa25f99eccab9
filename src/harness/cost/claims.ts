/**
 * A workload's `cost:` section: a cost claim from a thread, the metric that measures it, and what the
 * claim predicts per strategy. The report checks each prediction against the explored figures
 * (src/harness/report/costClaims.ts); docs/cost.md says what each claim is and why the model agrees
 * or not.
 */

/** How a figure grows over a scale series. */
export const GROWTHS = ['constant', 'linear', 'superlinear', 'sublinear'] as const;
export type Growth = (typeof GROWTHS)[number];

export type Prediction =
  | { kind: 'growth'; growth: Growth }
  | { kind: 'zero' }
  | { kind: 'nonzero' }
  /** The run ends in livelock: the cost has no bound, whatever bound the explorer gives it. */
  | { kind: 'livelock' }
  | { kind: 'compare'; rel: 'more' | 'less' | 'same'; than: string };

export interface CostClaim {
  /** The sentence from the thread, quoted. */
  claim: string;
  /** Who said it, where (seed and thread). */
  source: string;
  /** The cost metric (results.json `cost`) that measures it. */
  metric: string;
  /** What the claim predicts, per strategy, in the words of the YAML. */
  expect: Record<string, string[]>;
  /** How the model measures the claim, in a sentence. */
  note?: string;
  /**
   * Which figure of a run's executions the claim is about: `min`, what every explored schedule pays
   * (a lower bound no timing of the real run beats), or `max`, the worst schedule (an upper bound:
   * the explorer does not know how long steps take, so it also lets a lock go to a thread that would
   * have arrived later).
   */
  aggregate: 'min' | 'median' | 'max';
}

/** Parse one prediction: a message for the loader if it is not one. */
export function parsePrediction(s: string): Prediction | string {
  const t = s.trim();
  if ((GROWTHS as readonly string[]).includes(t)) return { kind: 'growth', growth: t as Growth };
  if (t === 'zero' || t === 'nonzero' || t === 'livelock') return { kind: t };
  const m = /^(more than|less than|same as)\s+(\S+)$/.exec(t);
  if (m !== null) return { kind: 'compare', rel: m[1] === 'more than' ? 'more' : m[1] === 'less than' ? 'less' : 'same', than: m[2]! };
  return `unknown prediction "${t}" (one of: ${GROWTHS.join(', ')}, zero, nonzero, livelock, more than STRATEGY, less than STRATEGY, same as STRATEGY)`;
}
