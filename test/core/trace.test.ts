/**
 * Every place a trace names is in one unit: bytes from the start of the workload's mapping, in hex
 * (`buf+0x1000`, ranges `buf[0x0..0x2000)`), for the user ops and for every kernel step they run,
 * whatever the kernel did to the VMA underneath (split by mprotect, copied by fork).
 */
import { describe, expect, it } from 'vitest';
import { byteAt, byteRange, hex } from '../../src/core/trace.js';
import { replayExecution } from '../../src/harness/explore/explore.js';
import { registry, workload } from '../helpers.js';

function traceOf(yaml: string, strategy = 'v6.18'): string[] {
  const reg = registry();
  const rp = replayExecution(workload(yaml, 'test/units', reg), reg.resolve(strategy), []);
  return rp.trace.map((e) => `${e.cpu} ${e.fn}: ${e.event}`);
}

/** Any mention of the mapping `buf` that is not a hex byte offset or a hex byte range. */
function otherUnits(lines: readonly string[]): string[] {
  return lines.filter((l) => /\bbuf\+(?!0x[0-9a-f]+\b)|\bbuf\[(?!0x[0-9a-f]+\.\.0x[0-9a-f]+\))|\bpages? \d+\.\.\d+/.test(l));
}

describe('trace units', () => {
  it('formats an offset and a half-open range of a mapping in hex bytes', () => {
    expect(hex(4096)).toBe('0x1000');
    expect(byteAt('buf', 2048)).toBe('buf+0x800');
    expect(byteRange('buf', 0, 8192)).toBe('buf[0x0..0x2000)');
  });

  it('names a fault in a VMA split by mprotect by its offset in the mapping, not in the piece', () => {
    const lines = traceOf(`
title: split then fault the last page
processes:
  P:
    vmas: { buf: { pages: 3 } }
    threads:
      main:
        - mprotect: { at: buf, off: 4096, len: 4096, prot: r }
        - write: { at: buf, off: 8192, len: 16, fill: 0x11 }
`);
    expect(lines).toContain('P.main mprotect: mprotect buf[0x1000..0x2000) prot=r');
    expect(lines).toContain('P.main write: write buf[0x2000..0x2010) fill=0x11');
    // The third piece of the split VMA starts at page 2 of the mapping: its first byte is 0x2000.
    expect(lines.some((l) => l.startsWith('P.main handle_mm_fault: buf+0x2000 '))).toBe(true);
    expect(otherUnits(lines)).toEqual([]);
  });

  it('a forked child faults at the same offsets its parent used', () => {
    const lines = traceOf(`
title: fork then the child writes page 1
processes:
  P:
    vmas: { buf: { pages: 2 } }
    threads:
      main:
        - write: { at: buf, fill: 0x11 }
        - fork: C
  C:
    threads:
      main:
        - write: { at: buf, off: 4096, len: 8, fill: 0x22 }
`);
    expect(lines).toContain('P.main write: write buf[0x0..0x2000) fill=0x11');
    expect(lines.some((l) => l.startsWith('C.main handle_mm_fault: buf+0x1000 '))).toBe(true);
    expect(otherUnits(lines)).toEqual([]);
  });

  it('userfaultfd ranges, messages and wakeups are byte ranges of the mapping', () => {
    const lines = traceOf(`
title: a missing userfault resolved by UFFDIO_COPY
processes:
  P:
    vmas: { buf: { pages: 2 } }
    threads:
      main:
        - uffd_register: { as: u, at: buf }
        - post: registered
        - read: { at: buf, off: 4096, len: 8 }
        - post: done
      monitor:
        - await: registered
        - uffd_handle: { uffd: u, resolve: copy, fill: 0x5a, until: done }
`);
    expect(lines.some((l) => l.includes('userfaultfd_register: P.u: buf[0x0..0x2000) missing'))).toBe(true);
    expect(lines.some((l) => l.includes('handle_userfault: buf+0x1000 missing'))).toBe(true);
    expect(lines.some((l) => l.includes('uffd_handle: message: buf+0x1000 missing'))).toBe(true);
    expect(lines.some((l) => l.includes('wake_userfault: P.u buf[0x1000..0x2000)'))).toBe(true);
    expect(otherUnits(lines)).toEqual([]);
  });

  it('O_DIRECT DMA chunks are the bytes of the buffer they belong to, and violations use the same offsets', () => {
    const lines = traceOf(`
title: O_DIRECT read into the second half of a page
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, fill: 0x00 }
        - dio_read: { as: r1, at: buf, off: 2048, len: 2048, fill: 0xAA, gup: get }
        - dio_wait: r1
        - read: { at: buf, off: 2048, len: 16 }
`);
    expect(lines).toContain('dev.r1 dma: write r1 buf[0x800..0xc00) into page 1');
    expect(lines).toContain('dev.r1 dma: write r1 buf[0xc00..0x1000) into page 1');
    expect(otherUnits(lines)).toEqual([]);
  });

  it('reclaim names each pte it unmaps by its offset in the mapping', () => {
    const lines = traceOf(`
title: swap out a two-page buffer
processes:
  P:
    vmas: { buf: { pages: 2 } }
    threads:
      main:
        - write: { at: buf, fill: 0x11 }
        - swapout: { at: buf }
`);
    expect(lines).toContain('P.main swapout: swapout buf[0x0..0x2000)');
    expect(lines.some((l) => /^P\.main try_to_unmap_one: P buf\+0x1000: page \d+ -> swap \d+$/.test(l))).toBe(true);
    expect(otherUnits(lines)).toEqual([]);
  });

  it('user_events enablers are addresses in the mapping, not raw user addresses', () => {
    const lines = traceOf(`
title: register an enable bit at buf+0x10
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, fill: 0x00 }
        - user_events_register: { as: E, at: buf, off: 16, bit: 3 }
`, 'v6.4');
    expect(lines).toContain('P.main user_events_register: user_events_register buf+0x10 as E bit=3');
    expect(lines.some((l) => l.includes('user_events_ioctl_reg: E: enabler buf+0x10 bit 3'))).toBe(true);
    expect(otherUnits(lines)).toEqual([]);
  });
});
