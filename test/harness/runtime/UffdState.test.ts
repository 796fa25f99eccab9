/**
 * missed-userfault is judged from the workload's own operations: an access to a page registered in
 * missing mode that nothing populated must have raised a userfault during the access.
 */
import { describe, expect, it } from 'vitest';
import type { MmStruct } from '../../../src/core/mm/MmStruct.js';
import type { Task } from '../../../src/core/sched/Task.js';
import type { UffdMsg, UserfaultfdCtx } from '../../../src/core/uffd/userfaultfd.js';
import type { Execution } from '../../../src/harness/runtime/Execution.js';
import type { Proc } from '../../../src/harness/runtime/Proc.js';
import { UffdState } from '../../../src/harness/runtime/UffdState.js';

function fake(usesUffd = true) {
  let clock = 0;
  const violations: { invariant: string; message: string }[] = [];
  const ex = { usesUffd, k: { sched: { touch: () => {} } }, oracle: { now: () => ++clock }, violate: (invariant: string, message: string) => violations.push({ invariant, message }) } as unknown as Execution;
  const mm = { id: 3, name: 'P', find_vma: () => null } as unknown as MmStruct;
  const proc = { name: 'P', mm } as Proc;
  return { ex, mm, proc, violations, now: () => ++clock, st: new UffdState(ex) };
}

const msg = (mm: MmStruct, vpn: number) => ({ event: 'pagefault', ctx: { mm } as UserfaultfdCtx, vpn, flags: 0, reason: 1 }) as UffdMsg & { event: 'pagefault' };

describe('UffdState: missed-userfault', () => {
  it('an access to a never-populated missing-registered page without a userfault is a violation', () => {
    const f = fake();
    f.st.register(f.mm, 16, 17, true);
    f.st.accessed(f.proc, 'P.t read', 16, 17, f.now());
    expect(f.violations.map((v) => v.invariant)).toEqual(['missed-userfault']);
  });

  it('not if the access raised one, nor if the page was populated before, nor after unregistering', () => {
    const f = fake();
    f.st.register(f.mm, 16, 18, true);
    const t0 = f.now();
    f.st.observer.message!(msg(f.mm, 16));
    f.st.accessed(f.proc, 'P.t read', 16, 17, t0);
    f.st.accessed(f.proc, 'P.t read', 16, 17, f.now());
    f.st.register(f.mm, 17, 18, false);
    f.st.accessed(f.proc, 'P.t read', 17, 18, f.now());
    expect(f.violations).toEqual([]);
  });

  it('MADV_DONTNEED makes the page missing again', () => {
    const f = fake();
    f.st.register(f.mm, 16, 17, true);
    f.st.populate(f.mm, 16, 17);
    f.st.zap(f.mm, 16, 17);
    f.st.accessed(f.proc, 'P.t read', 16, 17, f.now());
    expect(f.violations.map((v) => v.invariant)).toEqual(['missed-userfault']);
  });

  it('a thread going to sleep on a userfault while holding mmap_lock is mmap-lock-held-in-userfault', () => {
    const f = fake();
    f.st.observer.sleep!({ name: 'P.gup' } as Task, { name: 'P.u' } as UserfaultfdCtx, false);
    expect(f.violations).toEqual([]);
    f.st.observer.sleep!({ name: 'P.gup' } as Task, { name: 'P.u' } as UserfaultfdCtx, true);
    expect(f.violations.map((v) => v.invariant)).toEqual(['mmap-lock-held-in-userfault']);
  });
});

describe('UffdState without userfaultfd in the workload', () => {
  it("judges nothing and takes no stamp from the oracle's clock (which would order every access with every other)", () => {
    const f = fake(false);
    const t0 = f.now();
    f.st.accessed(f.proc, 'P.t write', 16, 17, t0);
    f.st.wrote(f.proc, 'P.t write', 16, 17, t0);
    expect(f.violations).toEqual([]);
    expect(f.now()).toBe(t0 + 1);
  });
});

describe('UffdState messages', () => {
  it("name the page by its offset in the workload's mapping, the unit of every trace", () => {
    const f = fake();
    const vma = { name: 'buf', base: 16, file: null };
    (f.ex as unknown as { k: { pageSize: number } }).k.pageSize = 4096;
    (f.mm as unknown as { find_vma: (vpn: number) => unknown }).find_vma = (vpn) => (vpn >= 16 && vpn < 18 ? vma : null);
    f.st.register(f.mm, 16, 18, true);
    f.st.protect(f.mm, 16, 18);
    const t0 = f.now();
    f.st.accessed(f.proc, 'P.t read', 17, 18, t0);
    f.st.wrote(f.proc, 'P.t write', 17, 18, t0);
    expect(f.violations.map((v) => v.message)).toEqual([
      'P.t read: an access to P buf+0x1000 (registered missing, never populated) completed without a userfault',
      'P.t write: a write to P buf+0x1000 (write-protected by UFFDIO_WRITEPROTECT before the write began) completed without a write-protect userfault',
    ]);
  });
});
