import { describe, expect, it } from 'vitest';
import { relaxedMatch } from '../../../src/harness/real/real.js';

describe('an op blocked for good', () => {
  // gup-unlock, generated seed 20009: the child dies of SIGSEGV before its post, so P.main's await
  // never returns; the executor kills the run at --timeout and reports the await `stuck`.
  const model = 'P.main#0=ok; P.main#1=ok; P.t0#0=ok; P.t0#1=ok; C.main#0=SIGSEGV';
  it('is the model op that never returns (no entry: the execution ends in a deadlock)', () => {
    expect(relaxedMatch('P.main#0=ok; P.main#1=ok; P.main#2=stuck; P.t0#0=ok; P.t0#1=ok; C.main#0=SIGSEGV', new Set([model]), null)).toEqual({ why: 'stuckOf', outcome: model });
  });
  it('moves nothing else', () => {
    expect(relaxedMatch('P.main#0=ok; P.main#1=EINVAL; P.main#2=stuck; P.t0#0=ok; P.t0#1=ok; C.main#0=SIGSEGV', new Set([model]), null)).toBeNull();
    expect(relaxedMatch('P.main#0=ok; P.main#1=ok; P.t0#0=ok; P.t0#1=ok; C.main#0=ok', new Set([model]), null)).toBeNull();
  });
});
