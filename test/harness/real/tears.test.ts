import { describe, expect, it } from 'vitest';
import { tearMatcher } from '../../../src/harness/real/tears.js';
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
  const m = tearMatcher(w)!;
  const model = 'P.io#0=ok; P.io#1=ok; P.forker#0=ok; C.main#0=ok:0x00*2048,0xAA*2048';
  it('allows a boundary inside a chunk of the DMA region when snapping it to a chunk edge gives a model outcome', () => {
    expect(m.match('P.io#0=ok; P.io#1=ok; P.forker#0=ok; C.main#0=ok:0x00*2592,0xAA*1504', new Set([model]))).toBe(model);
  });
  it('moves nothing else: other values, boundaries outside the region, other ops must match', () => {
    expect(m.match('P.io#0=ok; P.io#1=ok; P.forker#0=ok; C.main#0=ok:0x00*2592,0xBB*1504', new Set([model]))).toBeNull();
    expect(m.match('P.io#0=ok; P.io#1=ok; P.forker#0=ok; C.main#0=ok:0x00*1000,0xAA*3096', new Set([model]))).toBeNull();
    expect(m.match('P.io#0=ok; P.io#1=EIO; P.forker#0=ok; C.main#0=ok:0x00*2592,0xAA*1504', new Set([model]))).toBeNull();
  });
  it('needs a dio_read or a store of more than one byte to apply at all', () => {
    expect(tearMatcher(workload(`
title: t
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main: [ { read: { at: buf } } ]
`))).toBeNull();
  });
});

// gup-cow/bug1-dio-read on Linux 6.18: fork's copy_present_page() copied the pinned page while
// P.writer's 2048-byte store was under way, and the child read 0x11*747,0x00*1301,0xAA*2048.
const store = workload(`
title: a child reads a page fork copied while a sibling thread stored into it
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      writer:
        - write: { at: buf, off: 0, len: 4096, fill: 0x11 }
      forker:
        - fork: C
  C:
    threads:
      main:
        - read: { at: buf }
`);

describe('store and copy tears: a CPU stores and copies a few bytes at a time, the model a store or a copy piece at once', () => {
  const m = tearMatcher(store)!;
  const before = 'P.writer#0=ok; P.forker#0=ok; C.main#0=ok:0x00*4096';
  const half = 'P.writer#0=ok; P.forker#0=ok; C.main#0=ok:0x11*2048,0x00*2048';
  it('allows a boundary inside a store, snapped to the edge of the copy piece it falls in', () => {
    expect(m.match('P.writer#0=ok; P.forker#0=ok; C.main#0=ok:0x11*747,0x00*3349', new Set([before]))).toBe(before);
    expect(m.match('P.writer#0=ok; P.forker#0=ok; C.main#0=ok:0x11*747,0x00*3349', new Set([half]))).toBe(half);
  });
  it('snaps only within the piece: a tear the model cannot reach by any snapping stays inconsistent', () => {
    // Snapped, the first reaches only 0x11*4096 or 0x00*2048,0x11*2048, the second changes a value.
    expect(m.match('P.writer#0=ok; P.forker#0=ok; C.main#0=ok:0x00*747,0x11*3349', new Set([half]))).toBeNull();
    expect(m.match('P.writer#0=ok; P.forker#0=ok; C.main#0=ok:0x11*747,0x22*3349', new Set([before, half]))).toBeNull();
  });
  it('leaves a one-byte store alone: it cannot tear', () => {
    expect(tearMatcher(workload(`
title: t
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main: [ { write: { at: buf, off: 7, len: 1, fill: 0x01 } }, { read: { at: buf } } ]
`))).toBeNull();
  });
});

describe('tears through a pin: the device writes a pinned range a few bytes at a time, the model at once', () => {
  const pinned = workload(`
title: a device writes through a pin while the CPU reads the page
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      dev:
        - pin: { as: h, at: buf, off: 1024, len: 2048, write: true }
        - pin_write: { pin: h, fill: 0x5A }
        - pin_read: h
      cpu:
        - read: { at: buf }
`);
  const m = tearMatcher(pinned)!;
  const done = 'P.dev#0=ok; P.dev#1=ok; P.dev#2=ok:0x5A*2048; P.cpu#0=ok:0x00*1024,0x5A*2048,0x00*1024';
  it('snaps a boundary inside the pinned range to its edges, for a read of the whole page', () => {
    expect(m.match('P.dev#0=ok; P.dev#1=ok; P.dev#2=ok:0x5A*2048; P.cpu#0=ok:0x00*1024,0x5A*1000,0x00*2072', new Set([done]))).toBe(done);
  });
  it('reads pin_read\'s bytes at the pinned range: a boundary there snaps too', () => {
    const racing = 'P.dev#0=ok; P.dev#1=ok; P.dev#2=ok:0x5A*2048; P.cpu#0=ok:0x00*4096';
    expect(m.match('P.dev#0=ok; P.dev#1=ok; P.dev#2=ok:0x5A*100,0x00*1948; P.cpu#0=ok:0x00*4096', new Set([racing]))).toBe(racing);
  });
});
