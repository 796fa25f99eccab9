import { z } from 'zod';
import { OPS } from '../ops/index.js';

/**
 * The workload file's shape, one source of truth: the loader validates with it and
 * `schema/workload.schema.json` (for editors) is generated from it. Op arguments are validated
 * per op by the op table (src/harness/ops), which this schema leaves open.
 */
const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a name: letters, digits, _ . -');

export const VmaSchema = z.strictObject({
  type: z.enum(['anon', 'shmem']).default('anon').describe('anonymous private memory, or a shared shmem file'),
  pages: z.number().int().min(1).max(4096).default(1),
  prot: z.enum(['none', 'r', 'rw']).default('rw'),
  file: z.string().optional().describe('shmem: the file name (mappings of one file share its pages)'),
});

export const OpSchema = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .describe('an op: `name` or `{ name: args }` with optional `allow: [ERRNO...]`; see `faultline list ops`');

export const ProcessSchema = z.strictObject({
  vmas: z.record(name, VmaSchema).optional(),
  threads: z.record(name, z.array(OpSchema)).optional(),
});

export const ExploreSchema = z.strictObject({
  mode: z.enum(['exhaustive', 'dfs', 'random', 'pct', 'dpor']).default('exhaustive'),
  preemptions: z
    .union([z.number().int().min(0).max(8), z.literal('unbounded')])
    .default(2)
    .describe('preemption bound of exhaustive exploration (0-8), or `unbounded`: every interleaving of the model'),
  budget: z.number().int().min(1).max(100_000_000).default(5_000_000),
  depth: z.number().int().min(1).max(16).default(3),
  seed: z.number().int().min(0).optional(),
  steps: z.number().int().min(10).max(10_000_000).default(20_000),
  spurious_wakeups: z.number().int().min(0).max(8).default(0),
  state_cache: z
    .boolean()
    .default(false)
    .describe('mode dfs: keep the states expanded (a hash of kernel objects, oracle and every thread) and expand each once; docs/performance.md'),
});

/** `scale:` — one parameter and the values it takes, in the order the series runs them. */
export const ScaleSchema = z
  .record(name, z.array(z.number().int().min(0).max(1_000_000)).min(2).max(16))
  .refine((r) => Object.keys(r).length === 1, 'exactly one parameter, e.g. { pages: [1, 2, 4, 8, 16] }')
  .refine((r) => Object.values(r).every((vs) => new Set(vs).size === vs.length), 'each value once')
  .describe('a series: one parameter and its values; ${param} (or ${expr}) anywhere in the file takes each value in turn');

export const TimingSchema = z
  .strictObject({
    io: z.number().int().min(1).max(1_000_000).default(1).describe('ticks one device transfer takes (a DMA chunk, a swap read or write)'),
    copy: z.number().int().min(1).max(1_000_000).default(1).describe('ticks copying one page takes'),
  })
  .describe('how long things take, in ticks (a thread step is one tick): the cost model of docs/cost.md');

const prediction = z.string().min(1);
export const CostClaimSchema = z
  .strictObject({
    claim: z.string().min(1).describe('the sentence from the thread, quoted'),
    source: z.string().min(1).describe('who said it, where: seed, author, date, thread'),
    metric: z.string().min(1).describe('the cost metric that measures it (faultline list metrics... see docs/cost.md)'),
    expect: z.record(z.string(), z.union([prediction, z.array(prediction).min(1)])).describe('per strategy: constant|linear|superlinear|sublinear|zero|nonzero|livelock|more than S|less than S|same as S'),
    note: z.string().optional().describe('how the model measures the claim'),
    aggregate: z.enum(['min', 'median', 'max']).default('min').describe('which figure of the explored executions the claim is about: min (what every schedule pays; default) or max (the worst schedule)'),
  })
  .describe('a cost claim this workload (or series) measures; the report checks its predictions');

export const WorkloadSchema = z.strictObject({
  $schema: z.string().optional(),
  title: z.string().min(1),
  family: z.string().optional(),
  refs: z.array(z.string()).default([]),
  page_size: z
    .number()
    .int()
    .min(64)
    .max(65536)
    .refine((n) => (n & (n - 1)) === 0, 'a power of two')
    .default(4096),
  arch: z.strictObject({ bits: z.union([z.literal(32), z.literal(64)]).default(64), endian: z.enum(['little', 'big']).default('little') }).optional(),
  memory: z.strictObject({ limit_pages: z.number().int().min(1).max(100_000) }).optional(),
  swap: z
    .strictObject({
      device: z
        .enum(['disk', 'zram'])
        .default('disk')
        .describe('disk: swap-in reads complete asynchronously, the page stays locked meanwhile (default); zram: SWP_SYNCHRONOUS_IO, reads complete in the faulting thread and may skip the swap cache (4.15+)'),
    })
    .optional()
    .describe('what swap is backed by'),
  processes: z.record(name, ProcessSchema),
  scale: ScaleSchema.optional(),
  timing: TimingSchema.optional(),
  cost: CostClaimSchema.optional(),
  explore: ExploreSchema.optional(),
  expect: z
    .record(z.string(), z.union([z.array(z.string()), z.literal('skip')]).describe('a list of invariant ids, or skip'))
    .optional()
    .describe('per strategy or kernel: the invariants its runs violate ([] = pass), or `skip` for a kernel that lacks a feature the workload needs; `default` for the rest'),
});

export type WorkloadFile = z.infer<typeof WorkloadSchema>;

/**
 * The JSON Schema written to schema/workload.schema.json. For editors it spells out every op's
 * arguments (the loader checks those per op, with better messages than a union would give).
 */
export function workloadJsonSchema(): unknown {
  const allow = z.array(z.string()).optional().describe('errors or signals the workload accepts from this op');
  const ops = [...OPS.values()].map((o) => z.strictObject({ [o.name]: o.args.describe(o.summary), allow }));
  const op = z.union([z.enum([...OPS.keys()] as [string, ...string[]]), ...ops]);
  const editorSchema = WorkloadSchema.extend({
    processes: z.record(name, ProcessSchema.extend({ threads: z.record(name, z.array(op)).optional() })),
  });
  return { $id: 'https://faultline.invalid/schema/workload.schema.json', title: 'faultline workload', ...(z.toJSONSchema(editorSchema, { io: 'input', unrepresentable: 'any' }) as object) };
}
