/**
 * Reading another process's memory, by the three interfaces a debugger has, when the range runs
 * past what GUP can get (here: past the end of the mapping): PTRACE_PEEKDATA gives -EIO at the word
 * that fails (generic_ptrace_peekdata), /proc/pid/mem a short read or -EIO when nothing could be
 * read (mem_rw), process_vm_readv a partial read or -EFAULT (process_vm_rw_core).
 */
import { describe, expect, it } from 'vitest';
import { mem_rw } from '../../../src/core/fs/proc_mem.js';
import { generic_ptrace_peekdata } from '../../../src/core/kernel/ptrace.js';
import type { Runs } from '../../../src/core/mm/PageData.js';
import { process_vm_rw_core } from '../../../src/core/mm/process_vm_access.js';
import { PS, kernelWith, newProcess, runThread, store } from '../helpers.js';

function setup() {
  const k = kernelWith();
  const { mm, vma } = newProcess(k, 1);
  return { k, mm, base: vma.start * PS };
}

describe('remote reads past what GUP can get', () => {
  it('PTRACE_PEEKDATA: -EIO at the failing word, the words before it read', () => {
    const { k, mm, base } = setup();
    const out: Runs = [];
    let r: { n: number; err: string | null } | null = null;
    runThread(k, function* (t) {
      yield* store(k, t, mm, base / PS, 0x11);
      r = yield* generic_ptrace_peekdata(k, t, mm, base + PS - 12, 24, 8, out);
    });
    expect(r).toEqual({ n: 8, err: 'EIO' });
    expect(out).toEqual([0, 8, 0x11]);
  });

  it('/proc/pid/mem: a short read when the first page reads, -EIO when nothing does', () => {
    const { k, mm, base } = setup();
    const out: Runs = [];
    let short: number | string = -1;
    let none: number | string = -1;
    runThread(k, function* (t) {
      yield* store(k, t, mm, base / PS, 0x22);
      short = yield* mem_rw(k, t, mm, base, 2 * PS, out);
      none = yield* mem_rw(k, t, mm, base + PS, 16, []);
    });
    expect(short).toBe(PS);
    expect(out).toEqual([0, PS, 0x22]);
    expect(none).toBe('EIO');
  });

  it('process_vm_readv: a partial read when the first page reads, -EFAULT when nothing does', () => {
    const { k, mm, base } = setup();
    const out: Runs = [];
    let partial: number | string = -1;
    let none: number | string = -1;
    runThread(k, function* (t) {
      yield* store(k, t, mm, base / PS, 0x33);
      partial = yield* process_vm_rw_core(k, t, mm, base + PS - 16, 32, out);
      none = yield* process_vm_rw_core(k, t, mm, base + PS, 16, []);
    });
    expect(partial).toBe(16);
    expect(out).toEqual([0, 16, 0x33]);
    expect(none).toBe('EFAULT');
  });
});
