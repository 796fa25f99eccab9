import { createHash } from 'node:crypto';
import type { Workload } from './workload/types.js';
import { modelVersion } from './modelVersion.js';

/**
 * A replay token names one execution: workload, strategy, the schedule's departures from the
 * default schedule as `choicepoint.task` pairs, and a digest, e.g.
 * `gup-cow/bug1-dio-read-get~mapcount-reuse~7.2_19.0~3f9a0c1e.b2`. A spurious wakeup of task 3 at
 * choice point 12 is `12.w3` (in the plan: 12, -(3 + 1)).
 *
 * The digest has two parts: the first 8 hex digits hash the model version (its source), the
 * workload as explored (processes, ops, options; not its title or comments) and the strategy, so a
 * token replayed against an edited workload or another model is refused instead of silently
 * replaying some other schedule; the last 2 are a checksum of everything before them, so a token
 * mangled in a mail or a terminal is refused as corrupted.
 */
export interface ReplayToken {
  workload: string;
  strategy: string;
  plan: number[];
}

function hex(s: string, n: number): string {
  return createHash('sha256').update(s).digest('hex').slice(0, n);
}

/** What the workload explores, without what does not change it (title, refs, expects, positions). */
function canonical(w: Workload): string {
  const drop = new Set(['pos', 'file', 'id', 'title', 'refs', 'expect', 'expectPos', 'label', 'needs']);
  return JSON.stringify({ processes: w.processes, explore: w.explore, pageSize: w.pageSize, arch: w.arch, limitPages: w.limitPages, family: w.family }, (k, v) => (drop.has(k) ? undefined : v));
}

/** The digest binding a token to this workload, this strategy and this model. */
export function workloadDigest(w: Workload, strategy: string): string {
  return hex(`${modelVersion()}\n${canonical(w)}\n${strategy}`, 8);
}

function body(t: ReplayToken): string {
  const pairs: string[] = [];
  for (let i = 0; i + 1 < t.plan.length; i += 2) {
    const v = t.plan[i + 1]!;
    pairs.push(v < 0 ? `${t.plan[i]}.w${-v - 1}` : `${t.plan[i]}.${v}`);
  }
  return `${t.workload}~${t.strategy}~${pairs.length ? pairs.join('_') : '0'}`;
}

/** The token of a schedule; with the workload it was made on (always, outside tests), its digest too. */
export function encodeToken(t: ReplayToken, w?: Workload): string {
  if (w === undefined) return body(t);
  const head = `${body(t)}~${workloadDigest(w, t.strategy)}`;
  return `${head}.${hex(head, 2)}`;
}

/** Lenient parse (internal use, tests): the token's parts, or null if it is not one or is corrupted. */
export function decodeToken(s: string): (ReplayToken & { digest?: string }) | null {
  try {
    const parts = s.split('~');
    if (parts.length === 3) return parseParts(s, parts, undefined);
    return parseToken(s);
  } catch {
    return null;
  }
}

/** Why a token cannot be replayed, in one line. */
export class TokenError extends Error {}

/**
 * Parse a token strictly (what `faultline replay` is given): throws TokenError when it is not one, or is corrupted (its checksum does not match,
 * its choice points do not increase). Whether it fits the workload is `checkDigest`'s question.
 */
export function parseToken(s: string): ReplayToken & { digest: string } {
  const parts = s.split('~');
  if (parts.length === 3 && parts[0] && parts[1]) throw new TokenError(`replay token ${s} has no digest (made by an older faultline): run the workload again for a fresh token`);
  if (parts.length !== 4 || !parts[0] || !parts[1]) throw new TokenError(`not a replay token: ${s} (expected workload~strategy~choices~digest)`);
  const d = /^([0-9a-f]{8})\.([0-9a-f]{2})$/.exec(parts[3]!);
  if (!d) throw new TokenError(`replay token ${s} is corrupted: its digest ${parts[3]} is not 8.2 hex digits`);
  const head = parts.slice(0, 3).join('~') + `~${d[1]}`;
  if (hex(head, 2) !== d[2]) throw new TokenError(`replay token ${s} is corrupted: its checksum does not match (copied incompletely?)`);
  return parseParts(s, parts, d[1]!) as ReplayToken & { digest: string };
}

function parseParts(s: string, parts: string[], digest: string | undefined): ReplayToken & { digest?: string } {
  if (!parts[0] || !parts[1]) throw new TokenError(`not a replay token: ${s} (expected workload~strategy~choices~digest)`);
  const plan: number[] = [];
  if (parts[2] !== '0') {
    let last = -1;
    for (const p of parts[2]!.split('_')) {
      const m = /^(\d+)\.(w?)(\d+)$/.exec(p);
      if (!m) throw new TokenError(`replay token ${s} is corrupted: ${p} is not a choice (point.task or point.wTASK)`);
      const cp = Number(m[1]);
      if (cp <= last) throw new TokenError(`replay token ${s} is corrupted: choice point ${cp} comes after ${last}`);
      last = cp;
      plan.push(cp, m[2] ? -Number(m[3]) - 1 : Number(m[3]));
    }
  }
  return { workload: parts[0], strategy: parts[1], plan, ...(digest !== undefined ? { digest } : {}) };
}

/** Refuse a token made for another version of the workload, strategy or model. */
export function checkDigest(t: { workload: string; strategy: string; digest: string }, w: Workload): void {
  if (workloadDigest(w, t.strategy) !== t.digest) {
    throw new TokenError(`replay token made for another version of this workload (${t.workload} × ${t.strategy}, or of faultline's model): run it again for a fresh token`);
  }
}
