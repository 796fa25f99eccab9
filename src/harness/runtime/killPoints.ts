import type { Workload } from '../workload/types.js';

/**
 * Ops after which a user thread can die of a signal: SIGSEGV from an address munmap, mprotect or a
 * not-yet-run mmap left without a mapping, SIGBUS from a userfault that may not wait (and from
 * user_events' kill-on-fault), SIGKILL from `signal`.
 */
const KILLING_OPS = new Set(['signal', 'munmap', 'mprotect', 'mmap', 'uffd_register', 'user_events_register']);
const FATAL_RESULTS = new Set(['SIGSEGV', 'SIGBUS', 'SIGKILL']);

/**
 * Does a thread of this workload need a scheduling point between its ops, where a kill can land?
 * A fatal signal takes the whole thread group (do_group_exit()) wherever its other threads are:
 * Linux 6.18 killed a thread after its post and before its await, and a sibling after its munmap
 * and before its pipe_read (docs/real-kernel.md, finding 9). The point costs every workload
 * exploration, so it is there only where something can be fatal: a killing op, a mapping that
 * is not read-write, an accepted fatal result, or a memory limit below the default (OOM).
 */
export function needsKillPoints(w: Workload): boolean {
  // Asked once per execution: answered once per workload.
  let v = known.get(w);
  if (v === undefined) known.set(w, (v = scan(w)));
  return v;
}

const known = new WeakMap<Workload, boolean>();

function scan(w: Workload): boolean {
  if (w.limitPages < 1024) return true;
  for (const p of w.processes) {
    if (p.vmas.some((v) => v.prot !== 'rw')) return true;
    for (const th of p.threads) for (const o of th.ops) if (KILLING_OPS.has(o.op) || o.allow.some((a) => FATAL_RESULTS.has(a))) return true;
  }
  return false;
}
