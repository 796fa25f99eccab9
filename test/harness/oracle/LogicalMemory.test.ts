import { describe, expect, it } from 'vitest';
import { Oracle } from '../../../src/harness/oracle/Oracle.js';

const runs = (...triples: number[]) => triples;

describe('the oracle: what a process may observe', () => {
  it('a read after a completed write must see it', () => {
    const o = new Oracle();
    o.map('P', 'buf', 4096);
    o.write('P', 'buf', 0, 4096, 0x11, 1, 2, 'cpu');
    expect(o.check('P', 'buf', 0, 4096, runs(0, 4096, 0x11), 3, 4, 'cpu', 'r')).toBeNull();
    const m = o.check('P', 'buf', 0, 4096, runs(0, 4096, 0x00), 3, 4, 'cpu', 'r');
    expect(m?.invariant).toBe('user-memory-corruption');
  });

  it('a read overlapping a write may see the old or the new value, byte by byte', () => {
    const o = new Oracle();
    o.map('P', 'buf', 4096);
    o.write('P', 'buf', 0, 4096, 0x11, 1, 5, 'cpu');
    expect(o.check('P', 'buf', 0, 4096, runs(0, 100, 0x11, 100, 4096, 0x00), 3, 4, 'cpu', 'r')).toBeNull();
  });

  it("data DMA-ed by the process's own I/O that is not seen is a lost O_DIRECT read", () => {
    const o = new Oracle();
    o.map('P', 'buf', 4096);
    o.write('P', 'buf', 2048, 2048, 0xaa, 3, 3, 'dma');
    expect(o.check('P', 'buf', 2048, 2048, runs(0, 2048, 0x00), 4, 5, 'cpu', 'P read')?.invariant).toBe('lost-dio-read');
  });

  it('a fork child inherits what was written before the fork, and not what came after', () => {
    const o = new Oracle();
    o.map('P', 'buf', 4096);
    o.write('P', 'buf', 0, 4096, 0x11, 1, 2, 'cpu');
    o.fork('P', 'C', 3, 4);
    o.write('P', 'buf', 0, 4096, 0x22, 5, 6, 'cpu');
    expect(o.check('C', 'buf', 0, 4096, runs(0, 4096, 0x11), 7, 8, 'cpu', 'C read')).toBeNull();
    const m = o.check('C', 'buf', 0, 4096, runs(0, 4096, 0x22), 7, 8, 'cpu', 'C read');
    expect(m?.invariant).toBe('cross-process-leak');
  });

  it('a write racing with the fork may or may not be in the child, and does not hide older data', () => {
    const o = new Oracle();
    o.map('P', 'buf', 4096);
    o.write('P', 'buf', 0, 4096, 0x11, 1, 2, 'cpu');
    o.write('P', 'buf', 0, 4096, 0x22, 4, 4, 'dma');
    o.fork('P', 'C', 3, 5);
    expect(o.check('C', 'buf', 0, 4096, runs(0, 4096, 0x11), 7, 8, 'cpu', 'C read')).toBeNull();
    expect(o.check('C', 'buf', 0, 4096, runs(0, 4096, 0x22), 7, 8, 'cpu', 'C read')).toBeNull();
  });

  it('a stale value the process itself overwrote is not a leak from its parent', () => {
    const o = new Oracle();
    o.map('P', 'buf', 4096);
    o.write('P', 'buf', 0, 4096, 0x11, 1, 2, 'cpu');
    o.fork('P', 'C', 3, 4);
    o.write('C', 'buf', 0, 4096, 0x33, 5, 6, 'cpu');
    expect(o.check('C', 'buf', 0, 4096, runs(0, 4096, 0x11), 7, 8, 'cpu', 'C read')?.invariant).toBe('user-memory-corruption');
  });

  it('a device reading stale data through a GUP reference is pin-incoherent', () => {
    const o = new Oracle();
    o.map('P', 'buf', 4096);
    o.write('P', 'buf', 0, 16, 0x22, 1, 2, 'cpu');
    expect(o.check('P', 'buf', 0, 16, runs(0, 16, 0x00), 3, 4, 'device', 'dev')?.invariant).toBe('pin-incoherent');
  });

  it('unmapped memory is not judged', () => {
    const o = new Oracle();
    o.map('P', 'buf', 4096);
    o.write('P', 'buf', 0, 4096, -1, 1, 2, 'unmap');
    expect(o.check('P', 'buf', 0, 4096, runs(0, 4096, 0x00), 3, 4, 'final', 'exit')).toBeNull();
  });
});
