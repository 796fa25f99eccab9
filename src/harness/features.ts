import type { SourcePos } from './workload/types.js';

/**
 * Kernel features and ABIs that a workload can need: a named kernel timeline that lacks one cannot
 * run the workload at all (UFFDIO_REGISTER returns EINVAL, the syscall does not exist), so the run
 * is a `skip`, never a pass or a fail. Which release added each, and with which commit, is history:
 * configs/kernels.yaml (`features:`) records it, and each timeline lists the features it has.
 *
 * Ops declare what they need from their arguments (OpDef.needs); the ids are fixed here so that a
 * typo in an op is a type error, and Registry.load checks that kernels.yaml defines every one.
 */
export const FEATURE_IDS = [
  'userfaultfd',
  'uffd-event-fork',
  'uffd-shmem',
  'uffd-wp',
  'uffd-minor-shmem',
  'uffd-wp-shmem',
  'uffd-wp-unpopulated',
  'pin-user-pages',
  'madv-pageout',
  'shmem-punch-hole',
  'process-vm-readv',
  'user-events',
  'zram',
] as const;

export type FeatureId = (typeof FEATURE_IDS)[number];

/** One feature as configs/kernels.yaml records it. */
export interface FeatureInfo {
  id: string;
  summary: string;
  /** The first release that has it, e.g. "5.19". */
  since: string;
  /** The mainline commit that added it (12+ hex digits). */
  commit: string;
}

/** What an op needs, and why (in the op's own words, for the skip reason's reader). */
export interface FeatureNeedSpec {
  feature: FeatureId;
  why: string;
}

/** A need of a loaded workload: the first op that needs the feature. */
export interface FeatureNeed extends FeatureNeedSpec {
  op: string;
  pos: SourcePos;
}

/** What an op's `needs` may ask of the workload around it. */
export interface NeedsEnv {
  /** The type of a mapping this process can name (declared, inherited or mmap'ed); null if unknown. */
  vmaType(name: string): 'anon' | 'shmem' | null;
}

/** "5.19" / "v2.6.32" / "6.18.0-1-amd64" -> [5, 19] / [2, 6, 32] / [6, 18, 0]; null if not a version. */
export function parseVersion(v: string): number[] | null {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), ...(m[3] !== undefined ? [Number(m[3])] : [])];
}

/** Release order: negative if a came before b. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The skip reason results.json carries: `<feature>: <release that added it>, <commit>`. */
export function skipReason(f: FeatureInfo): string {
  return `${f.id}: ${f.since}, ${f.commit}`;
}
