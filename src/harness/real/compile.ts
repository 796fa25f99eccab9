import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { opKeys, opSlots } from '../outcome/Outcome.js';
import type { OpNode, ProcessDecl, Workload } from '../workload/types.js';

/**
 * A workload compiled for the native executor (native/executor/executor.c): names resolved to
 * indices (processes, mapping slots, shmem files, events, handles), every op's `len` made explicit,
 * and the executor's shared memory laid out (where each read's bytes go). The same slots key the
 * outcome as in the model (outcome/Outcome.ts), so the executor prints outcomes in the model's form.
 */
export interface CompiledWorkload {
  pageSize: number;
  runs: number;
  seed: number;
  delayUs: number;
  timeoutMs: number;
  keys: string[];
  files: number[];
  nvma: number;
  nevents: number;
  nhandles: number;
  dataBytes: number;
  dioDir: string | null;
  dioBytes: number;
  dioFills: { off: number; len: number; fill: number }[];
  procs: { name: string; boot: number; vmas: { slot: number; type: number; pages: number; prot: number; file: number }[]; threads: { name: string; ops: Record<string, number | string>[] }[] }[];
}

/** What the machine offers, as far as the workload's ops need it. */
export interface HostFacts {
  /** Swap is active (/proc/swaps lists a device): MADV_PAGEOUT can swap anon and shmem out. */
  swap: boolean;
  /** CONFIG_USER_EVENTS: the kernel has the user_events ABI. */
  userEvents: boolean;
  /** A directory on a filesystem that does real O_DIRECT (block-backed), or null. */
  dioDir: string | null;
  /** The machine's page size in bytes (a workload with another page_size cannot run here). */
  pageSize?: number;
}

export type Compiled = { ok: CompiledWorkload } | { skip: string };

export interface RunSettings {
  runs: number;
  seed: number;
  delayUs: number;
  timeoutMs: number;
}

const PROT = { none: 0, r: 1, rw: 2 } as const;
const UFFD_MODE = { missing: 1, wp: 2, minor: 4 } as const;
const UFFD_FEATURE_EVENT_FORK = 1 << 1;
const UFFD_FEATURE_MINOR_SHMEM = 1 << 10;
const UFFD_FEATURE_WP_HUGETLBFS_SHMEM = 1 << 12;

/**
 * Why the real kernel cannot be driven to do an op on demand, or null when the executor can run it.
 * Those the workload needs make it `skip`.
 */
export function cannotDrive(node: OpNode, host: HostFacts): string | null {
  switch (node.op) {
    case 'spurious_wakeup':
      return 'spurious_wakeup: a spurious wakeup of a sleeping task cannot be caused on demand from user space';
    case 'kvm_fault':
      return 'kvm_fault: needs a KVM guest vCPU faulting on the memory (async page fault), which the executor does not run';
    case 'user_events_register':
    case 'user_events_unregister':
    case 'user_events_set':
      return host.userEvents ? `${node.op}: user_events ops are not driven by the executor` : `${node.op}: this kernel is built without CONFIG_USER_EVENTS (no user_events ABI)`;
    case 'swapout':
      return host.swap ? null : 'swapout: no swap is active (see docs/real-kernel.md: add a swap file)';
    case 'madvise':
      return host.swap || (node.args as { advice: string }).advice !== 'pageout' ? null : 'madvise pageout: no swap is active (see docs/real-kernel.md: add a swap file)';
    case 'dio_read':
    case 'dio_write':
      return host.dioDir !== null ? null : `${node.op}: no directory on a filesystem doing O_DIRECT found (set FAULTLINE_DIO_DIR)`;
  }
  return null;
}

function indexer(): (name: string) => number {
  const m = new Map<string, number>();
  return (name) => {
    let i = m.get(name);
    if (i === undefined) m.set(name, (i = m.size));
    return i;
  };
}

const round = (n: number, to: number) => Math.ceil(n / to) * to;

export function compileWorkload(w: Workload, host: HostFacts, s: RunSettings): Compiled {
  const machinePage = host.pageSize ?? 4096;
  if (w.pageSize !== machinePage) return { skip: `page_size ${w.pageSize}: this machine's pages are ${machinePage} bytes` };
  for (const p of w.processes) for (const th of p.threads) for (const node of th.ops) {
    const why = cannotDrive(node, host);
    if (why !== null) return { skip: why };
  }
  const slots = opSlots(w);
  const procIndex = new Map(w.processes.map((p, i) => [p.name, i]));
  const vmaSlot = indexer();
  const fileIndex = indexer();
  const event = indexer();
  const handle = indexer();
  const files: number[] = [];
  const pagesOf = new Map<string, number>();
  const typeOf = new Map<string, 'anon' | 'shmem'>();
  const fileOf = new Map<string, number>();
  const fileSlot = (name: string, pages: number) => {
    const f = fileIndex(name);
    files[f] = Math.max(files[f] ?? 0, pages);
    return f;
  };
  // Every mapping a name can mean, declared or created at run time (first the declarations).
  for (const p of w.processes) for (const v of p.vmas) {
    pagesOf.set(v.name, v.pages);
    typeOf.set(v.name, v.type);
    if (v.type === 'shmem') fileOf.set(v.name, fileSlot(v.file ?? v.name, v.pages));
  }
  for (const p of w.processes) for (const th of p.threads) for (const node of th.ops) {
    if (node.op !== 'mmap') continue;
    const a = node.args as { name: string; type: 'anon' | 'shmem'; pages: number; file?: string };
    if (!pagesOf.has(a.name)) pagesOf.set(a.name, a.pages);
    if (!typeOf.has(a.name)) typeOf.set(a.name, a.type);
    if (a.type === 'shmem' && !fileOf.has(a.name)) fileOf.set(a.name, fileSlot(a.file ?? a.name, a.pages));
  }
  const ps = w.pageSize;
  let dataBytes = 0;
  let dioBytes = 0;
  const dioFills: CompiledWorkload['dioFills'] = [];
  const handleLen = new Map<string, number>();
  const range = (a: { at: string; off: number; len?: number | undefined }) => {
    const size = (pagesOf.get(a.at) ?? 1) * ps;
    return { vma: vmaSlot(a.at), off: a.off, len: a.len ?? size - a.off };
  };
  const bytes = (len: number) => {
    const at = dataBytes;
    dataBytes += round(len, 8);
    return { bytes: 1, data: at, len };
  };
  const threadProc = (self: ProcessDecl, thread: string) => {
    const dot = thread.indexOf('.');
    return dot > 0 && procIndex.has(thread.slice(0, dot)) ? procIndex.get(thread.slice(0, dot))! : procIndex.get(self.name)!;
  };
  const compileOp = (p: ProcessDecl, node: OpNode): Record<string, number | string> => {
    const base = { op: node.op, slot: slots.get(node)!.index };
    const a = node.args as Record<string, unknown> & { at: string; off: number; len?: number };
    switch (node.op) {
      case 'read':
        return { ...base, ...range(a), ...bytes(range(a).len) };
      case 'write':
        return { ...base, ...range(a), fill: a.fill as number };
      case 'fork':
      case 'waitpid':
        return { ...base, proc: procIndex.get(node.args as string)! };
      case 'exit':
        return base;
      case 'post':
      case 'await':
        return { ...base, ev: event(node.args as string) };
      case 'mmap': {
        const m = node.args as { name: string; type: 'anon' | 'shmem'; pages: number; prot: 'none' | 'r' | 'rw' };
        return { ...base, vma: vmaSlot(m.name), type: m.type === 'shmem' ? 1 : 0, pages: m.pages, prot: PROT[m.prot], file: fileOf.get(m.name) ?? -1 };
      }
      case 'munmap':
      case 'swapout':
        return { ...base, ...range(a) };
      case 'mprotect':
        return { ...base, ...range(a), prot: PROT[a.prot as 'none' | 'r' | 'rw'] };
      case 'madvise':
        return { ...base, ...range(a), advice: a.advice === 'pageout' ? 1 : 0 };
      case 'dio_read':
      case 'dio_write': {
        const r = range(a);
        const foff = dioBytes;
        dioBytes += round(r.len, 4096);
        if (node.op === 'dio_read') dioFills.push({ off: foff, len: r.len, fill: a.fill as number });
        return { ...base, ...r, h: handle(a.as as string), foff };
      }
      case 'dio_wait':
      case 'unpin':
        return { ...base, h: handle(node.args as string) };
      case 'vmsplice':
      case 'pin': {
        const r = range(a);
        handleLen.set(a.as as string, r.len);
        return { ...base, ...r, h: handle(a.as as string), write: a.write === true ? 1 : 0 };
      }
      case 'pipe_read':
      case 'pin_read':
        return { ...base, h: handle(node.args as string), ...bytes(handleLen.get(node.args as string) ?? 0) };
      case 'pin_write':
        return { ...base, h: handle(a.pin as string), fill: a.fill as number };
      case 'ptrace_peek':
        // PTRACE_PEEKDATA (the model's default), /proc/PID/mem, process_vm_readv().
        return { ...base, ...range(a), proc: procIndex.get(a.target as string)!, iface: a.interface === 'proc_mem' ? 1 : a.interface === 'process_vm_readv' ? 2 : 0, ...bytes(range(a).len) };
      case 'uffd_register': {
        const modes = a.mode as ('missing' | 'wp' | 'minor')[];
        let mode = 0;
        for (const m of modes) mode |= UFFD_MODE[m];
        let features = (a.events as string[]).includes('fork') ? UFFD_FEATURE_EVENT_FORK : 0;
        if (typeOf.get(a.at) === 'shmem') {
          if (modes.includes('wp')) features |= UFFD_FEATURE_WP_HUGETLBFS_SHMEM;
          if (modes.includes('minor')) features |= UFFD_FEATURE_MINOR_SHMEM;
        }
        return { ...base, ...range(a), h: handle(a.as as string), mode, features };
      }
      case 'uffd_unregister':
      case 'uffd_wake':
        return { ...base, ...range(a), h: handle(a.uffd as string) };
      case 'uffd_handle':
        return { ...base, h: handle(a.uffd as string), resolve: a.resolve as string, fill: a.fill as number, count: (a.count as number | undefined) ?? 0, until: a.until !== undefined ? event(a.until as string) : -1 };
      case 'uffd_copy':
        return { ...base, ...range(a), h: handle(a.uffd as string), fill: a.fill as number, resolve: a.zeropage === true ? 'zeropage' : 'copy', wp: a.wp === true ? 1 : 0 };
      case 'uffd_writeprotect':
        return { ...base, ...range(a), h: handle(a.uffd as string), wp: a.wp === false ? 0 : 1 };
      case 'punch_hole':
        // The mapping maps its shmem file from offset 0 (as in the model), so the file offset is `off`.
        return { ...base, ...range(a), file: fileOf.get(a.at) ?? -1, foff: a.off };
      case 'signal':
        return { ...base, proc: threadProc(p, a.thread as string) };
    }
    throw new Error(`the executor has no mapping for op ${node.op}`);
  };
  // A pipe_read or pin_read may come (in declaration order) before the op that made its handle.
  for (const p of w.processes) for (const th of p.threads) for (const node of th.ops) {
    if (node.op === 'vmsplice' || node.op === 'pin') {
      const a = node.args as { as: string; at: string; off: number; len?: number };
      handleLen.set(a.as, range(a).len);
    }
  }
  const procs: CompiledWorkload['procs'] = [];
  for (const p of w.processes) {
    procs.push({
      name: p.name,
      boot: p.forkedBy === null ? 1 : 0,
      vmas: p.vmas.map((v) => ({ slot: vmaSlot(v.name), type: v.type === 'shmem' ? 1 : 0, pages: v.pages, prot: PROT[v.prot], file: fileOf.get(v.name) ?? -1 })),
      threads: p.threads.map((th) => ({ name: th.name, ops: th.ops.map((node) => compileOp(p, node)) })),
    });
  }
  for (const p of procs) for (const th of p.threads) for (const o of th.ops) if (o.op === 'punch_hole' && o.file === -1) return { skip: `punch_hole on ${String(o.vma)}: not a shmem mapping` };
  return {
    ok: {
      pageSize: ps,
      runs: s.runs,
      seed: s.seed,
      delayUs: s.delayUs,
      timeoutMs: s.timeoutMs,
      keys: opKeys(w),
      files,
      nvma: Math.max(1, vmaSlotCount(vmaSlot)),
      nevents: Math.max(1, countOf(event)),
      nhandles: Math.max(1, countOf(handle)),
      dataBytes: Math.max(8, dataBytes),
      dioDir: dioBytes > 0 ? host.dioDir : null,
      dioBytes,
      dioFills,
      procs,
    },
  };
}

/** How many names an indexer has handed out (asking for a fresh name returns the count). */
function countOf(ix: (name: string) => number): number {
  return ix('\0count');
}
const vmaSlotCount = countOf;

/** Facts about this machine the executor depends on. */
export function hostFacts(dioDir: string | null): HostFacts {
  let swap = false;
  try {
    swap = readFileSync('/proc/swaps', 'utf8').trim().split('\n').length > 1;
  } catch {
    swap = false;
  }
  return { swap, userEvents: kernelHasUserEvents(), dioDir, pageSize: machinePageSize() };
}

function machinePageSize(): number {
  try {
    const n = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim());
    return Number.isInteger(n) && n > 0 ? n : 4096;
  } catch {
    return 4096;
  }
}

/** CONFIG_USER_EVENTS: its functions are in kallsyms (tracefs need not be mounted to tell). */
function kernelHasUserEvents(): boolean {
  for (const f of ['/sys/kernel/tracing/user_events_data', '/sys/kernel/debug/tracing/user_events_data']) if (existsSync(f)) return true;
  try {
    return /\buser_events_fork\b/.test(readFileSync('/proc/kallsyms', 'utf8'));
  } catch {
    return false;
  }
}
