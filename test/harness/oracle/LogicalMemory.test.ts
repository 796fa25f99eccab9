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

  it('a read that ends while a store is still in flight (started, not ended) may see the part already stored', () => {
    const o = new Oracle();
    o.map('P', 'buf', 8192);
    const t0 = o.startWrite('P', 'buf', 0, 8192, 0x11);
    const r0 = o.start('P', 'buf', false, 0, 16);
    const r1 = o.end('P', 'buf', false, 0, 16);
    expect(o.check('P', 'buf', 0, 16, runs(0, 16, 0x11), r0, r1, 'cpu', 'r')).toBeNull();
    expect(o.check('P', 'buf', 0, 16, runs(0, 16, 0x00), r0, r1, 'cpu', 'r')).toBeNull();
    // Anything else is still wrong.
    expect(o.check('P', 'buf', 0, 16, runs(0, 16, 0x22), r0, r1, 'cpu', 'r')?.invariant).toBe('user-memory-corruption');
    // Once the store ends its record replaces the in-flight one: a later read must see it.
    o.write('P', 'buf', 0, 8192, 0x11, t0, o.end('P', 'buf', true, 0, 8192), 'cpu');
    const r2 = o.start('P', 'buf', false, 0, 16);
    const r3 = o.end('P', 'buf', false, 0, 16);
    expect(o.check('P', 'buf', 0, 16, runs(0, 16, 0x00), r2, r3, 'cpu', 'r')?.invariant).toBe('user-memory-corruption');
    expect(o.mapping('P', 'buf').recs.filter((r) => r.inFlight)).toEqual([]);
  });

  it("a store in flight in one process is not another's to see", () => {
    const o = new Oracle();
    o.map('P', 'buf', 4096);
    o.fork('P', 'C', o.now(), o.now());
    o.startWrite('C', 'buf', 0, 4096, 0x11);
    const r0 = o.start('P', 'buf', false, 0, 16);
    const r1 = o.end('P', 'buf', false, 0, 16);
    expect(o.check('P', 'buf', 0, 16, runs(0, 16, 0x11), r0, r1, 'cpu', 'P read')?.invariant).toBe('cross-process-leak');
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

  it("a device reading the process's memory without the process's own DMA in it is a lost O_DIRECT read, not pin-incoherent", () => {
    const o = new Oracle();
    o.map('P', 'buf', 4096);
    o.write('P', 'buf', 0, 4096, 0xaa, 3, 3, 'dma');
    // A later O_DIRECT write (or pin_read) of the buffer: the device sees what the CPU would, the DMA is missing.
    expect(o.check('P', 'buf', 0, 4096, runs(0, 4096, 0x00), 4, 5, 'device', 'disk write')?.invariant).toBe('lost-dio-read');
  });

  describe('I/O into memory the process threw away (issue 13)', () => {
    // P writes 0x11 [1,2]; an O_DIRECT read is submitted at 3; P zaps the buffer [4,5]; the DMA lands at 6.
    const zapped = () => {
      const o = new Oracle();
      o.map('P', 'buf', 4096);
      o.write('P', 'buf', 0, 4096, 0x11, 1, 2, 'cpu');
      o.now(); // 3: submission
      o.now();
      o.write('P', 'buf', 0, 4096, 0, 4, 5, 'zap');
      while (o.now() < 5);
      o.dma('P', 'buf', 0, 4096, 0xaa, 3);
      return o;
    };
    it('the DMA that lands after the zap may or may not be seen; the data before the zap may not', () => {
      const o = zapped();
      expect(o.check('P', 'buf', 0, 4096, runs(0, 4096, 0x00), 10, 11, 'cpu', 'r')).toBeNull();
      expect(o.check('P', 'buf', 0, 4096, runs(0, 4096, 0xaa), 10, 11, 'cpu', 'r')).toBeNull();
      expect(o.check('P', 'buf', 0, 4096, runs(0, 4096, 0x11), 10, 11, 'cpu', 'r')?.invariant).toBe('user-memory-corruption');
    });
    it('a DMA submitted after the zap ended is an ordinary DMA: not seeing it is a lost read', () => {
      const o = zapped();
      o.dma('P', 'buf', 0, 4096, 0xbb, 8);
      expect(o.check('P', 'buf', 0, 4096, runs(0, 4096, 0x00), 20, 21, 'cpu', 'r')?.invariant).toBe('lost-dio-read');
    });
    it('only the zapped part of a DMA is let off', () => {
      const o = new Oracle();
      o.map('P', 'buf', 8192);
      o.now(); // 1: submission
      o.write('P', 'buf', 4096, 4096, 0, 2, 3, 'zap');
      o.dma('P', 'buf', 0, 8192, 0xaa, 1);
      expect(o.check('P', 'buf', 0, 8192, runs(0, 4096, 0xaa, 4096, 8192, 0x00), 10, 11, 'cpu', 'r')).toBeNull();
      expect(o.check('P', 'buf', 0, 8192, runs(0, 8192, 0x00), 10, 11, 'cpu', 'r')?.invariant).toBe('lost-dio-read');
    });
    it('a DMA into an unmapped buffer is not the process\'s to see at all', () => {
      const o = new Oracle();
      o.map('P', 'buf', 4096);
      o.now();
      o.write('P', 'buf', 0, 4096, -1, 2, 3, 'unmap');
      o.dma('P', 'buf', 0, 4096, 0xaa, 1);
      expect(o.check('P', 'buf', 0, 4096, runs(0, 4096, 0x00), 10, 11, 'final', 'exit')).toBeNull();
    });
    it('a device reading through an older pin is judged against the page it pinned, where the process zapped it', () => {
      const o = zapped();
      // The pin was taken at 3, before the zap: the pinned page still holds 0x11 (or the DMA's 0xAA).
      expect(o.check('P', 'buf', 0, 4096, runs(0, 4096, 0x11), 10, 11, 'device', 'pin_read', 3)).toBeNull();
      expect(o.check('P', 'buf', 0, 4096, runs(0, 4096, 0x33), 10, 11, 'device', 'pin_read', 3)?.invariant).toBe('pin-incoherent');
      // Pinned after the zap: the device must see what the process sees.
      expect(o.check('P', 'buf', 0, 4096, runs(0, 4096, 0x11), 10, 11, 'device', 'pin_read', 9)?.invariant).toBe('pin-incoherent');
    });
  });

  it('unmapped memory is not judged', () => {
    const o = new Oracle();
    o.map('P', 'buf', 4096);
    o.write('P', 'buf', 0, 4096, -1, 1, 2, 'unmap');
    expect(o.check('P', 'buf', 0, 4096, runs(0, 4096, 0x00), 3, 4, 'final', 'exit')).toBeNull();
  });
});
