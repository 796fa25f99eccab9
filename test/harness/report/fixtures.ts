import type { TraceEvent } from '../../../src/core/trace.js';
import type { ResultsFile, RunResult, ViolationResult } from '../../../src/harness/results.js';

export function ev(step: number, cpu: string, fn: string, event: string): TraceEvent {
  return { step, cpu, fn, event };
}

/**
 * The fork-vs-O_DIRECT race from the gup-cow family, as the scheduler logs it: steps repeat (an op
 * label and its fault in one step) and are numbered by the scheduler, not yet 1..n.
 */
export const DIO_FORK_TRACE: TraceEvent[] = [
  ev(1, 'P.io', 'dio_read', 'dio_read buf[0x0..0x1000) fill=0x00'),
  ev(2, 'P.io', 'gup_fast', 'FOLL_GET|FOLL_WRITE page 1 (refcount 2)'),
  ev(3, 'P.forker', 'fork', 'fork C'),
  ev(4, 'P.forker', 'copy_present_pte', 'share page 1 R/O (refcount 3, mapcount 2)'),
  ev(5, 'P.writer', 'write', 'write buf[0x0..0x1000) fill=0xaa'),
  ev(5, 'P.writer', 'handle_mm_fault', 'buf+0x0 WRITE (pte present ro)'),
  ev(6, 'P.writer', 'wp_page_copy', 'page 1 -> page 2'),
  ev(7, 'dev', 'dma', 'write io1 buf[0x0..0x1000) into page 1'),
  ev(8, 'P.io', 'read', 'read buf[0x0..0x1000)'),
  ev(8, 'P.io', 'VIOLATION', 'lost-dio-read: P read 0xaa at buf+0x0, DMA wrote 0x5a'),
];

export function violation(invariant: string, over: Partial<ViolationResult> = {}): ViolationResult {
  return {
    invariant,
    message: `${invariant} happened`,
    replay: `fam/w~s~1.2`,
    preemptions: 1,
    steps: 10,
    at: 8,
    trace: DIO_FORK_TRACE,
    ...over,
  };
}

export function run(workload: string, strategy: string, over: Partial<RunResult> = {}): RunResult {
  const violations = over.violations ?? [];
  const verdict = over.verdict ?? (violations.length > 0 ? 'fail' : 'pass');
  return {
    workload,
    strategy,
    verdict,
    violations,
    expected: null,
    matchesExpected: null,
    exploration: { mode: 'exhaustive', executions: 10, complete: true, steps: 100, ms: 3 },
    cost: {},
    ...over,
  };
}

export function results(runs: RunResult[]): ResultsFile {
  return { faultline: 1, seed: 7, startedAt: '2024-05-01T00:00:00.000Z', runs };
}

export function cost(median: number): { min: number; median: number; max: number } {
  return { min: median, median, max: median };
}

const ANSI = /\u001b\[[0-9;]*m/g;
export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}
