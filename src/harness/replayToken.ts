/**
 * A replay token names one execution: workload, strategy, and the schedule's departures from the
 * default schedule as `choicepoint.task` pairs, e.g. `gup-cow/bug1-dio-read-get~mapcount-reuse~7.2_19.0`.
 * A spurious wakeup of task 3 at choice point 12 is `12.w3` (in the plan: 12, -(3 + 1)).
 */
export interface ReplayToken {
  workload: string;
  strategy: string;
  plan: number[];
}

export function encodeToken(t: ReplayToken): string {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < t.plan.length; i += 2) {
    const v = t.plan[i + 1]!;
    pairs.push(v < 0 ? `${t.plan[i]}.w${-v - 1}` : `${t.plan[i]}.${v}`);
  }
  return `${t.workload}~${t.strategy}~${pairs.length ? pairs.join('_') : '0'}`;
}

export function decodeToken(s: string): ReplayToken | null {
  const parts = s.split('~');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return null;
  const plan: number[] = [];
  if (parts[2] !== '0') {
    for (const p of parts[2]!.split('_')) {
      const m = /^(\d+)\.(w?)(\d+)$/.exec(p);
      if (!m) return null;
      plan.push(Number(m[1]), m[2] ? -Number(m[3]) - 1 : Number(m[3]));
    }
  }
  return { workload: parts[0], strategy: parts[1], plan };
}
