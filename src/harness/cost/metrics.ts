/**
 * Every cost metric in words a kernel developer reads, with its unit: the report says "2 pages
 * copied more", never "pageCopies 2". docs/cost.md explains how each is counted.
 */
export interface MetricInfo {
  /** What is counted, in the plural ("pages copied"), or what is measured ("longest mmap_lock hold"). */
  words: string;
  /** The unit of a figure (singular); '' for counts whose words say it. */
  unit: 'page' | 'tick' | 'byte' | '';
  /** Higher is worse (every metric here is a cost). */
}

export const METRICS: Record<string, MetricInfo> = {
  pageCopies: { words: 'pages copied', unit: '' },
  pagesAllocated: { words: 'pages allocated', unit: '' },
  peakPages: { words: 'pages held at the peak', unit: '' },
  faults: { words: 'page faults', unit: '' },
  faultRetries: { words: 'fault retries', unit: '' },
  gupCalls: { words: 'GUP calls', unit: '' },
  lockAcquires: { words: 'lock acquisitions', unit: '' },
  mmapLockMaxHoldSteps: { words: 'longest mmap_lock hold', unit: 'tick' },
  mmapWriterWaitSteps: { words: 'longest wait to write-lock mmap_lock', unit: 'tick' },
  tlbFlushes: { words: 'TLB flushes', unit: '' },
  syscalls: { words: 'system calls', unit: '' },
  steps: { words: 'scheduler steps', unit: '' },
  forkCopies: { words: 'pages copied at fork', unit: '' },
  forkWaitSteps: { words: 'fork wait before copying', unit: 'tick' },
  swapIns: { words: 'swap-ins', unit: '' },
  swapOuts: { words: 'swap-outs', unit: '' },
  tracerWaitSteps: { words: 'tracer wait for event_mutex', unit: 'tick' },
  eventMutexMaxHoldTicks: { words: 'longest event_mutex hold', unit: 'tick' },
  enablerFaults: { words: 'faults to write enable bits', unit: '' },
  spuriousWakeups: { words: 'spurious wakeups', unit: '' },
  uffdMessages: { words: 'userfault messages', unit: '' },
  uffdDuplicateMsgs: { words: 'duplicate userfault messages', unit: '' },
  readFaults: { words: 'read faults that reach ->fault', unit: '' },
  faultAroundPages: { words: 'pages mapped by fault-around', unit: '' },
  pteMarkers: { words: 'pte markers installed', unit: '' },
  uffdWpBitmapBytes: { words: 'uffd-wp bitmap allocated', unit: 'byte' },
  uffdWpMetadataBytes: { words: 'memory kept to remember uffd-wp', unit: 'byte' },
  lockWaitTicks: { words: 'time waiting for locks', unit: 'tick' },
  mmapLockWaitTicks: { words: 'time waiting for mmap_lock', unit: 'tick' },
  ioWaitTicks: { words: 'time waiting for I/O', unit: 'tick' },
  ioOps: { words: 'device I/O operations', unit: '' },
  processesKilled: { words: 'processes killed', unit: '' },
  makespanTicks: { words: 'time to finish the workload', unit: 'tick' },
};

export function metricWords(m: string): string {
  return METRICS[m]?.words ?? m;
}

/** A figure with its unit: `3 ticks`, `4 KiB`, `2` (for counts). */
export function withUnit(m: string, v: number): string {
  const u = METRICS[m]?.unit ?? '';
  const n = Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(2)));
  if (u === '') return n;
  if (u === 'byte') return v >= 1024 && v % 1024 === 0 ? `${v / 1024} KiB` : `${n} byte${v === 1 ? '' : 's'}`;
  return `${n} ${u}${v === 1 ? '' : 's'}`;
}

/** Metrics that describe the run's shape more than a strategy's cost: not compared on their own. */
export const BOOKKEEPING = new Set(['steps', 'syscalls', 'makespanTicks', 'spuriousWakeups']);
