import { describe, expect, it } from 'vitest';
import { COPY_CHUNKS, copy_user_highpage } from '../../../src/core/mm/highmem.js';
import { DATA_GRANULE, pageDataObject, type Page } from '../../../src/core/mm/Page.js';
import type { Runs } from '../../../src/core/mm/PageData.js';
import { READ, WRITE } from '../../../src/core/sched/Access.js';
import { PS, makeKernel, switchesChooser } from '../helpers.js';

describe('copy_user_highpage(): a COW copy is not atomic against a device writing the source page', () => {
  it(`copies in ${COPY_CHUNKS} pieces; a device writing the page front to back between them gives a copy no single instant had (old front, new back)`, () => {
    let from: Page | null = null;
    const k = makeKernel(undefined, {
      chooser: switchesChooser([{ from: 'P.copy', when: (t) => t.pending === pageDataObject(from!.obj, PS / 2 / DATA_GRANULE) * 4 + READ, to: 'dev' }]),
    });
    from = k.alloc_page()!;
    const to = k.alloc_page()!;
    const src = from;
    k.sched.spawn('P.copy', null, false, function* () {
      yield* copy_user_highpage(k, to, src);
    });
    k.sched.spawn('dev', null, true, function* () {
      yield src.obj * 4 + WRITE;
      src.data.fill(0xaa, 0, PS / 2);
      yield src.obj * 4 + WRITE;
      src.data.fill(0xaa, PS / 2, PS);
    });
    expect(k.sched.run()).toEqual({ kind: 'done' });
    const out: Runs = [];
    to.data.read(0, PS, out, 0);
    expect(out).toEqual([0, PS / 2, 0x00, PS / 2, PS, 0xaa]);
    expect(k.stats.pageCopies).toBe(1);
  });

  it('without a concurrent writer the copy is the whole page', () => {
    const k = makeKernel();
    const from = k.alloc_page()!;
    const to = k.alloc_page()!;
    from.data.fill(0x11, 0, 100);
    k.sched.spawn('P.copy', null, false, function* () {
      yield* copy_user_highpage(k, to, from);
    });
    expect(k.sched.run()).toEqual({ kind: 'done' });
    const out: Runs = [];
    to.data.read(0, PS, out, 0);
    expect(out).toEqual([0, 100, 0x11, 100, PS, 0]);
  });
});
