import { z } from 'zod';
import { do_mmap } from '../../core/mm/mmap.js';
import { shmem_file } from '../../core/shmem/shmem.js';
import { defineOp } from './OpDef.js';
import { name } from './common.js';

export const mmap = defineOp({
  name: 'mmap',
  summary: 'new mapping at run time (takes mmap_lock for write)',
  args: z.strictObject({
    name,
    type: z.enum(['anon', 'shmem']).default('anon'),
    pages: z.number().int().min(1).max(64).default(1),
    file: z.string().optional(),
    prot: z.enum(['none', 'r', 'rw']).default('rw'),
  }),
  refs: (a) => ({ maps: { name: a.name, pages: a.pages, type: a.type } }),
  *run({ k, t, proc, ex }, a) {
    k.stats.syscalls++;
    const file = a.type === 'shmem' ? shmem_file(k, a.file ?? a.name) : undefined;
    const v = yield* do_mmap(k, t, proc.mm, { name: a.name, pages: a.pages, read: a.prot !== 'none', write: a.prot === 'rw', shared: a.type === 'shmem', ...(file ? { file } : {}) });
    proc.layout.set(a.name, { name: a.name, start: v.start, pages: a.pages, type: a.type });
    if (file) ex.oracle.mapShared(proc.name, a.name, file.name, a.pages * k.pageSize);
    else ex.oracle.map(proc.name, a.name, a.pages * k.pageSize);
    return null;
  },
});
