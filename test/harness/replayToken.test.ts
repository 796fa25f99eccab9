import { describe, expect, it } from 'vitest';
import { TokenError, checkDigest, decodeToken, encodeToken, parseToken } from '../../src/harness/replayToken.js';
import { replayExecution } from '../../src/harness/explore/explore.js';
import { FORK_THEN_WRITE_YAML, forkThenWriteWorkload, registry, workload } from '../helpers.js';

describe('replay tokens carry a digest and are refused when they do not fit', () => {
  const reg = registry();
  const w = forkThenWriteWorkload();
  const tok = encodeToken({ workload: w.id, strategy: 'mapcount-reuse', plan: [1, 2, 4, 0] }, w);

  it('round-trips: workload, strategy, choices, digest', () => {
    expect(tok).toMatch(/^test\/inline~mapcount-reuse~1\.2_4\.0~[0-9a-f]{8}\.[0-9a-f]{2}$/);
    const t = parseToken(tok);
    expect(t).toMatchObject({ workload: 'test/inline', strategy: 'mapcount-reuse', plan: [1, 2, 4, 0] });
    expect(() => checkDigest(t, w)).not.toThrow();
  });

  it('refuses a corrupted token: checksum, digest, choice syntax, choice points out of order, no digest', () => {
    const flip = tok.slice(0, -1) + (tok.endsWith('0') ? '1' : '0');
    expect(() => parseToken(flip)).toThrow(/is corrupted: its checksum does not match/);
    expect(() => parseToken(tok.replace(/~[0-9a-f]{8}\./, '~xyz.'))).toThrow(/is corrupted: its digest/);
    expect(() => parseToken(tok.replace('1.2_4.0', '1.2_4.0_9'))).toThrow(TokenError);
    expect(() => parseToken('test/inline~mapcount-reuse~1.2')).toThrow(/has no digest/);
    expect(() => parseToken('nonsense')).toThrow(/not a replay token/);
    expect(decodeToken(flip)).toBeNull();
  });

  it('refuses a token made for another version of the workload or another strategy', () => {
    const edited = workload(
      FORK_THEN_WRITE_YAML.replace('title: parent writes', 'title: the same, but the parent writes 0x33;').replace('fill: 0x22', 'fill: 0x33'),
    );
    expect(() => checkDigest(parseToken(tok), edited)).toThrow(/made for another version of this workload/);
    const other = encodeToken({ workload: w.id, strategy: 'fork-copy', plan: [1, 2, 4, 0] }, w);
    expect(() => checkDigest({ ...parseToken(other), strategy: 'mapcount-reuse' }, w)).toThrow(/another version/);
  });

  it('a strict replay refuses a choice out of range, or a choice point the execution never reaches', () => {
    const k = reg.resolve('mapcount-reuse');
    expect(() => replayExecution(w, k, [0, 97], false, true)).toThrow(/^choice 97 out of range at choice point 0 \(runnable tasks there: /);
    expect(() => replayExecution(w, k, [500, 0], false, true)).toThrow(/^choice point 500 out of range: the execution has \d+ choice points/);
    // A lenient replay (shrinking) skips what does not fit.
    expect(() => replayExecution(w, k, [0, 97])).not.toThrow();
  });
});
