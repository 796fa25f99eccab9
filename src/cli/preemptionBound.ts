import { InvalidArgumentError } from 'commander';
import { UNBOUNDED } from '../harness/workload/types.js';

/** `--preemptions N|unbounded`, for run, gate, bench and real alike. */
export function preemptionBound(v: string): number {
  if (v === 'unbounded') return UNBOUNDED;
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('--preemptions takes a whole number or `unbounded`');
  return Number(v);
}
