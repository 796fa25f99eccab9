/** One line of a counterexample: which thread ran which kernel function and what it did. */
export interface TraceEvent {
  step: number;
  cpu: string;
  fn: string;
  event: string;
}
