import type { SourcePos } from './types.js';

/** Bad input, reported as one line `file:line:col: what is wrong (what is allowed)`. */
export class WorkloadError extends Error {
  constructor(
    readonly pos: SourcePos,
    readonly what: string,
  ) {
    super(`${pos.file}:${pos.line}:${pos.col}: ${what}`);
    this.name = 'WorkloadError';
  }
}

/** Levenshtein distance, for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

export function didYouMean(word: string, choices: Iterable<string>): string {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of choices) {
    const dist = editDistance(word, c);
    if (dist < bestD) {
      bestD = dist;
      best = c;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean ${best}?)` : '';
}
