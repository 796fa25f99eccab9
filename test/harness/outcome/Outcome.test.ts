import { describe, expect, it } from 'vitest';
import { explore } from '../../../src/harness/explore/explore.js';
import { formatBytes, opKeys } from '../../../src/harness/outcome/Outcome.js';
import { forkThenWriteWorkload, registry, workload } from '../../helpers.js';

describe('model outcomes (herd7 states)', () => {
  it('prints bytes as runs of equal values, merging adjacent equal runs', () => {
    expect(formatBytes([0, 100, 0, 100, 4096, 0])).toBe('0x00*4096');
    expect(formatBytes([0, 2048, 0x11, 2048, 4096, 0xaa])).toBe('0x11*2048,0xAA*2048');
  });

  it('keys ops by process, thread and index in declaration order', () => {
    expect(opKeys(forkThenWriteWorkload())).toEqual(['P.main#0', 'P.main#1', 'P.main#2', 'P.main#3', 'C.main#0', 'C.main#1']);
  });

  it('records every op result and the bytes a read returned; a COW-correct kernel lets the child see only the pre-fork byte', () => {
    const reg = registry();
    const r = explore(forkThenWriteWorkload(), reg.resolve('v5.19'));
    expect(r.outcomes).toEqual([{ outcome: 'P.main#0=ok; P.main#1=ok; P.main#2=ok; P.main#3=ok; C.main#0=ok; C.main#1=ok:0x11*4096', count: r.exploration.executions }]);
  });

  it('reaches the same outcome set under DPOR as under plain DFS, the counts adding up to the executions', () => {
    const reg = registry();
    const w = workload(`
title: two writers and a reader race on one page
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      a: [ { write: { at: buf, off: 0, len: 8, fill: 0x11 } } ]
      b: [ { write: { at: buf, off: 0, len: 8, fill: 0x22 } } ]
      r: [ { read: { at: buf, off: 0, len: 8 } } ]
explore: { mode: exhaustive, preemptions: 2 }
`);
    const k = reg.resolve('v5.19');
    const dpor = explore(w, k, { mode: 'dpor' });
    const dfs = explore(w, k, { mode: 'dfs' });
    const set = (x: typeof dpor) => x.outcomes!.map((o) => o.outcome);
    expect(set(dpor)).toEqual(set(dfs));
    expect(set(dpor).map((o) => o.split('r#0=')[1])).toEqual(['ok:0x00*8', 'ok:0x11*8', 'ok:0x22*8']);
    expect(dpor.outcomes!.reduce((n, o) => n + o.count, 0)).toBe(dpor.exploration.executions);
    expect(dfs.outcomes!.reduce((n, o) => n + o.count, 0)).toBe(dfs.exploration.executions);
  });
});
