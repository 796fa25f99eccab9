import { describe, expect, it } from 'vitest';
import { WorkloadError } from '../../../src/harness/workload/WorkloadError.js';
import { workload } from '../../helpers.js';

const ok = `
title: ok
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, fill: 0x11 }
`;

function error(yaml: string): string {
  try {
    workload(yaml, 'bad/x');
  } catch (e) {
    expect(e).toBeInstanceOf(WorkloadError);
    return (e as WorkloadError).message;
  }
  throw new Error('expected a WorkloadError');
}

describe('workload loader: bad input gets file:line:col and what is allowed', () => {
  it('accepts a valid workload with defaults filled in', () => {
    const w = workload(ok);
    expect(w.pageSize).toBe(4096);
    expect(w.explore.preemptions).toBe(2);
    expect(w.processes[0]!.threads[0]!.ops[0]!.op).toBe('write');
  });

  it('swap: the device behind swap is a disk unless the workload says zram; anything else is refused at the value', () => {
    expect(workload(ok).swapDevice).toBe('disk');
    expect(workload(`${ok}swap: { device: zram }\n`).swapDevice).toBe('zram');
    // zram is a kernel feature (3.14): a timeline without it skips the workload.
    expect(workload(`${ok}swap: { device: zram }\n`).needs.map((n) => n.feature)).toEqual(['zram']);
    expect(workload(ok).needs).toEqual([]);
    expect(error(`${ok}swap: { device: nvme }\n`)).toMatch(/^bad\/x\.yaml:9:\d+: .*swap\.device.*disk.*zram/);
  });

  it('YAML syntax errors name the position', () => {
    expect(error('title: [unclosed\nprocesses: {}\n')).toMatch(/^bad\/x\.yaml:\d+:\d+: YAML syntax/);
  });

  it('an unknown op gets a did-you-mean and the list of ops', () => {
    expect(error(ok.replace('- write:', '- wirte:'))).toMatch(/^bad\/x\.yaml:8:\d+: unknown op wirte \(did you mean write\?\) \(ops: read, write/);
  });

  it('an unknown key names itself', () => {
    expect(error(ok.replace('title: ok', 'title: ok\ntitel: x'))).toMatch(/^bad\/x\.yaml:3:1: top level: unknown key titel/);
  });

  it('a byte out of range is refused at the value', () => {
    expect(error(ok.replace('0x11', '300'))).toMatch(/^bad\/x\.yaml:8:\d+: write\.fill: .*255/);
  });

  it('an offset beyond the mapping is refused', () => {
    expect(error(ok.replace('fill: 0x11', 'off: 4000, len: 200, fill: 0x11'))).toMatch(/runs past the end of buf \(4096 bytes/);
  });

  it('an undeclared mapping, handle, event or process is refused', () => {
    expect(error(ok.replace('at: buf', 'at: bfu'))).toMatch(/P has no mapping bfu \(did you mean buf\?\)/);
    expect(error(ok.replace('- write: { at: buf, fill: 0x11 }', '- dio_wait: r1'))).toMatch(/no dio handle r1 in P/);
    expect(error(ok.replace('- write: { at: buf, fill: 0x11 }', '- await: never'))).toMatch(/no thread posts never/);
    expect(error(ok.replace('- write: { at: buf, fill: 0x11 }', '- fork: Q'))).toMatch(/fork: no process Q is declared/);
  });

  it('expect: names must be strategies and invariants', () => {
    expect(error(`${ok}expect: { mapcount-reus: [] }\n`)).toMatch(/expect: unknown strategy mapcount-reus \(did you mean mapcount-reuse\?\)/);
    expect(error(`${ok}expect: { default: [lost-dio-reed] }\n`)).toMatch(/unknown invariant lost-dio-reed \(did you mean lost-dio-read\?\)/);
    expect(error(`${ok}expect: { fork-copy+anon-exclusive: [] }\n`)).toMatch(/both override the hook forkMustCopy/);
  });

  it('empty files and prototype keys are refused', () => {
    expect(error('')).toMatch(/^bad\/x\.yaml:1:1: empty workload/);
    expect(error(`${ok}__proto__: { polluted: true }\n`)).toMatch(/the key __proto__ is not allowed/);
  });
});
