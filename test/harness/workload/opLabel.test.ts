/**
 * A user op's trace label names the bytes it acts on, in the unit every kernel step uses: an op
 * without `len:` acts on the rest of its mapping and prints that range, never `buf+0`.
 */
import { describe, expect, it } from 'vitest';
import { opLabel } from '../../../src/harness/workload/opLabel.js';
import { workload } from '../../helpers.js';

function labels(yaml: string): Map<string, string[]> {
  const w = workload(yaml);
  return new Map(w.processes.flatMap((p) => p.threads.map((t) => [`${p.name}.${t.name}`, t.ops.map((o) => o.label)] as const)));
}

describe('op labels', () => {
  it('whole-mapping ops print the whole mapping as a byte range', () => {
    const l = labels(`
title: whole-VMA ops
processes:
  P:
    vmas: { buf: { pages: 2 }, sh: { type: shmem, pages: 3 } }
    threads:
      main:
        - swapout: { at: buf }
        - madvise: { at: buf, advice: dontneed }
        - mprotect: { at: buf, prot: r }
        - uffd_register: { as: u, at: sh, mode: [wp] }
        - uffd_writeprotect: { uffd: u, at: sh }
        - punch_hole: { at: sh, off: 4096 }
        - munmap: { at: buf }
`);
    expect(l.get('P.main')).toEqual([
      'swapout buf[0x0..0x2000)',
      'madvise buf[0x0..0x2000) advice=dontneed',
      'mprotect buf[0x0..0x2000) prot=r',
      'uffd_register sh[0x0..0x3000) as u mode=wp',
      'uffd_writeprotect sh[0x0..0x3000) uffd=u',
      'punch_hole sh[0x1000..0x3000)',
      'munmap buf[0x0..0x2000)',
    ]);
  });

  it('reads and writes print their byte range; an op at one address prints that address', () => {
    const l = labels(`
title: ranges and points
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, off: 2048, len: 16, fill: 0x11 }
        - read: { at: buf, off: 2048 }
        - user_events_register: { as: e, at: buf, off: 16, bit: 3 }
`);
    expect(l.get('P.main')).toEqual(['write buf[0x800..0x810) fill=0x11', 'read buf[0x800..0x1000)', 'user_events_register buf+0x10 as e bit=3']);
  });

  it("an op reading another process's memory sizes the range by that process's mapping", () => {
    const l = labels(`
title: peek at a bigger mapping of another process
processes:
  T:
    vmas: { big: { pages: 4 } }
    threads:
      main:
        - write: { at: big, fill: 0x11 }
  D:
    vmas: { small: { pages: 1 } }
    threads:
      main:
        - ptrace_peek: { target: T, at: big, off: 8192 }
`);
    expect(l.get('D.main')).toEqual(['ptrace_peek big[0x2000..0x4000) target=T']);
  });

  it('without a known mapping size, the open end is said, not guessed', () => {
    expect(opLabel('read', { at: 'buf', off: 16 }, true, undefined)).toBe('read buf[0x10..end)');
    expect(opLabel('fork', 'C', false, undefined)).toBe('fork C');
  });
});
