import { describe, expect, it } from 'vitest';
import { dmaTearMatcher } from '../../../src/harness/real/dmaTears.js';
import { workload } from '../../helpers.js';

const w = workload(`
title: a child reads a page an O_DIRECT read is DMA-ing into
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      io:
        - dio_read: { as: r, at: buf, off: 2048, len: 2048, fill: 0xAA }
        - dio_wait: r
      forker:
        - fork: C
  C:
    threads:
      main:
        - read: { at: buf }
`);

describe('DMA tears: the real device DMAs a few bytes at a time, the model in chunks', () => {
  const m = dmaTearMatcher(w)!;
  const model = 'P.io#0=ok; P.io#1=ok; P.forker#0=ok; C.main#0=ok:0x00*2048,0xAA*2048';
  it('allows a boundary inside a chunk of the DMA region when snapping it to a chunk edge gives a model outcome', () => {
    expect(m.match('P.io#0=ok; P.io#1=ok; P.forker#0=ok; C.main#0=ok:0x00*2592,0xAA*1504', new Set([model]))).toBe(model);
  });
  it('moves nothing else: other values, boundaries outside the region, other ops must match', () => {
    expect(m.match('P.io#0=ok; P.io#1=ok; P.forker#0=ok; C.main#0=ok:0x00*2592,0xBB*1504', new Set([model]))).toBeNull();
    expect(m.match('P.io#0=ok; P.io#1=ok; P.forker#0=ok; C.main#0=ok:0x00*1000,0xAA*3096', new Set([model]))).toBeNull();
    expect(m.match('P.io#0=ok; P.io#1=EIO; P.forker#0=ok; C.main#0=ok:0x00*2592,0xAA*1504', new Set([model]))).toBeNull();
  });
  it('needs a dio_read to apply at all', () => {
    expect(dmaTearMatcher(workload(`
title: t
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main: [ { read: { at: buf } } ]
`))).toBeNull();
  });
});
