import { describe, expect, it } from 'vitest';
import { explore } from '../../../src/harness/explore/explore.js';
import { registry, workload } from '../../helpers.js';

const dio = (off: number, len: number, allow = '') => workload(`
title: an O_DIRECT read of ${len} bytes at ${off}
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - dio_read: { as: r, at: buf, off: ${off}, len: ${len}, fill: 0xAA }
        - dio_wait: r${allow}
        - read: { at: buf, off: ${off}, len: ${len} }
`);

describe('O_DIRECT moves whole logical blocks (512 bytes)', () => {
  const outcomes = (off: number, len: number, allow = '') => explore(dio(off, len, allow), registry().resolve('v6.18')).outcomes!.map((o) => o.outcome);

  it('reads an aligned buffer', () => {
    expect(outcomes(512, 1024)).toEqual(['P.main#0=ok; P.main#1=ok; P.main#2=ok:0xAA*1024']);
  });

  it('refuses an unaligned length or address with EINVAL, reported at completion as AIO does (Linux 6.18: a 16-byte read)', () => {
    expect(outcomes(416, 16, '\n          allow: [EINVAL]')).toEqual(['P.main#0=ok; P.main#1=EINVAL; P.main#2=ok:0x00*16']);
    expect(outcomes(100, 512)).toEqual(['P.main#0=ok; P.main#1=EINVAL; P.main#2=ok:0x00*512']);
  });

  it('judges an EINVAL the workload does not allow as unexpected', () => {
    const r = explore(dio(0, 16), registry().resolve('v6.18'));
    expect(r.violations.map((v) => v.invariant)).toEqual(['unexpected-error']);
    expect(r.violations[0]!.message).toMatch(/dio_wait .* got EINVAL/);
  });
});
