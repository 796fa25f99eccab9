import { describe, expect, it } from 'vitest';
import { parsePan } from '../../../src/harness/bench/spin.js';

// pan's report for the anchor model with -DN=4 -DNWRITERS=1 (mapcount-reuse), Spin 6.5.2.
const FOUND = `pan:1: assertion violated  !(cross_process_leak) (at depth 35)
pan: wrote model.pml.trail

(Spin Version 6.5.2 -- 6 December 2019)
Warning: Search not completed
	+ Partial Order Reduction

State-vector 80 byte, depth reached 66, errors: 1
      280 states, stored
       56 states, matched
      336 transitions (= stored+matched)
       53 atomic steps
hash conflicts:         0 (resolved)

Stats on memory usage (in Megabytes):
    0.029	equivalent memory usage for states (stored*(State-vector + overhead))
  128.000	memory used for hash table (-w24)
  133.536	total actual memory usage

pan: elapsed time 0 seconds
`;

const PROVEN = `(Spin Version 6.5.2 -- 6 December 2019)
	+ Partial Order Reduction

State-vector 80 byte, depth reached 68, errors: 0
     7057 states, stored
     2488 states, matched
     9545 transitions (= stored+matched)
  134.024	total actual memory usage
`;

describe("reading pan's report", () => {
  it('a counterexample: which assertion, and the search is not complete', () => {
    expect(parsePan(FOUND)).toEqual({ statesStored: 280, transitions: 336, memoryMB: 133.536, violation: '!(cross_process_leak)', complete: false });
  });

  it('no error: the whole state space, with states stored and memory', () => {
    expect(parsePan(PROVEN)).toEqual({ statesStored: 7057, transitions: 9545, memoryMB: 134.024, violation: null, complete: true });
  });
});
