import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ALL_READINGS, ALL_STRATEGIES } from '../../strategies/index.js';
import { CompositionError, compose, type Kernel, type Reading, type Strategy } from '../core/Strategy.js';
import { WorkloadError, didYouMean } from './workload/WorkloadError.js';
import type { SourcePos } from './workload/types.js';
import { release as osRelease } from 'node:os';
import { FEATURE_IDS, compareVersions, parseVersion, skipReason, type FeatureInfo } from './features.js';
import type { Workload } from './workload/types.js';

/**
 * A named kernel timeline from configs/kernels.yaml: a composition of strategies (the kernel's
 * decision points) and the features it has (what a workload may ask of it).
 */
export interface KernelTimeline {
  name: string;
  /** The release, e.g. "5.19": from `version:`, else from the name (`v5.19`). */
  version: string;
  summary: string;
  strategies: string[];
  refs: string[];
  /** Ids of the features it has (FeatureInfo in `Registry.features`). */
  features: string[];
  /** Where kernels.yaml defines it, and each of its strategies: for errors found when it is composed. */
  pos?: SourcePos;
  strategyPos?: SourcePos[];
}

const commit = z.string().regex(/^[0-9a-f]{12,40}$/, 'a commit id: 12 to 40 lowercase hex digits');
const release = z.string().regex(/^\d+\.\d+(\.\d+)?$/, 'a release like 5.19 or 2.6.32');

const KernelsFile = z.strictObject({
  features: z
    .record(z.string().regex(/^[a-z0-9-]+$/, 'a feature id: lowercase letters, digits, -'), z.strictObject({ summary: z.string().min(1), since: release, commit }))
    .default({}),
  kernels: z.record(
    z.string(),
    z.strictObject({
      version: release.optional(),
      summary: z.string(),
      strategies: z.array(z.string()).min(1),
      refs: z.array(z.string()).default([]),
      features: z.array(z.string()).default([]),
    }),
  ),
});

export interface KernelsConfig {
  features: FeatureInfo[];
  kernels: KernelTimeline[];
}

export class UnknownStrategyError extends Error {}

/** `--strategy host`: the timeline closest to (not newer than) the kernel this machine runs. */
export const HOST = 'host';

/** Every strategy and kernel timeline, and how names and compositions resolve to hook sets. */
export class Registry {
  readonly strategies = new Map<string, Strategy>();
  readonly kernels = new Map<string, KernelTimeline>();
  /** Compositions that are how a proposal reads (tried-twice+spinlock-recheck), by spec. */
  readonly readings = new Map<string, Reading>();
  readonly features = new Map<string, FeatureInfo>();

  constructor(strategies: Strategy[], kernels: KernelTimeline[], readings: Reading[] = [], features: FeatureInfo[] = []) {
    for (const s of strategies) this.strategies.set(s.name, s);
    for (const f of features) this.features.set(f.id, f);
    for (const k of kernels) this.kernels.set(k.name, k);
    for (const k of kernels) {
      try {
        this.resolve(k.name);
      } catch (e) {
        if (k.pos === undefined || !(e instanceof UnknownStrategyError || e instanceof CompositionError)) throw e;
        const unknown = k.strategies.findIndex((n) => !this.strategies.has(n));
        throw new WorkloadError((unknown >= 0 ? k.strategyPos?.[unknown] : undefined) ?? k.pos, e.message.startsWith(`kernel ${k.name}`) ? e.message : `kernel ${k.name}: ${e.message}`);
      }
    }
    for (const r of readings) {
      this.resolve(r.spec);
      this.readings.set(r.spec, r);
    }
  }

  /** The strategies in the tree, plus `extra` ones (--strategies-from), which may not reuse a name. */
  static load(kernelsYaml: string | null, extra: Strategy[] = []): Registry {
    const names = new Set(ALL_STRATEGIES.map((s) => s.name));
    const cfg = kernelsYaml ? loadKernels(kernelsYaml) : { features: [], kernels: [] };
    const kernels = cfg.kernels;
    for (const s of extra) {
      if (names.has(s.name)) throw new UnknownStrategyError(`strategy ${s.name} is defined twice (each strategy name is used once)`);
      if (kernels.some((k) => k.name === s.name)) throw new UnknownStrategyError(`strategy ${s.name} has the name of a kernel in ${kernelsYaml} (choose another)`);
      names.add(s.name);
    }
    return new Registry([...ALL_STRATEGIES, ...extra], kernels, ALL_READINGS, cfg.features);
  }

  /**
   * The features a spec's kernel has, or null for a spec that names no kernel timeline (candidate
   * strategies are design points, not releases: they run everything). A composition with a
   * timeline (`v5.9+gup-decow`) has that timeline's features.
   */
  featuresOf(spec: string): ReadonlySet<string> | null {
    let have: Set<string> | null = null;
    for (const name of spec.split('+')) {
      const k = this.kernels.get(name);
      if (!k) continue;
      have = have === null ? new Set(k.features) : new Set(k.features.filter((f) => have!.has(f)));
    }
    return have;
  }

  /** Why `spec` cannot run `w` (its first need the kernel lacks), or null if it can. */
  skipReason(w: Workload, spec: string): string | null {
    const have = this.featuresOf(spec);
    if (have === null) return null;
    for (const n of w.needs) {
      if (have.has(n.feature)) continue;
      const f = this.features.get(n.feature);
      return f ? skipReason(f) : `${n.feature}: not in configs/kernels.yaml`;
    }
    return null;
  }

  /**
   * `--strategy` names with `host` replaced by the timeline hostKernel() picks; an error when there
   * is none (no kernels.yaml, or every timeline is newer than this machine's kernel).
   */
  expandHost(names: readonly string[], release: string = osRelease()): string[] {
    return names.map((n) => {
      if (n !== HOST) return n;
      const k = this.hostKernel(release);
      if (k === null) throw new UnknownStrategyError(`--strategy host: no kernel timeline is as old as this machine's kernel (${release}); timelines: ${[...this.kernels.values()].map((x) => x.name).join(', ') || 'none'}`);
      return k.name;
    });
  }

  /**
   * `--strategy host`: the newest timeline not newer than this machine's kernel (`uname -r`), or
   * null if every timeline is newer.
   */
  hostKernel(release: string = osRelease()): KernelTimeline | null {
    const v = parseVersion(release);
    if (v === null) return null;
    let best: KernelTimeline | null = null;
    for (const k of this.kernels.values()) {
      const kv = parseVersion(k.version)!;
      if (compareVersions(kv, v) > 0) continue;
      if (best === null || compareVersions(kv, parseVersion(best.version)!) > 0) best = k;
    }
    return best;
  }

  families(): string[] {
    return [...new Set([...this.strategies.values()].map((s) => s.family))];
  }

  /** The strategies a workload of this family runs against by default (standalone ones, then its readings). */
  familyStrategies(family: string): string[] {
    const single = [...this.strategies.values()].filter((s) => s.family === family && s.standalone !== false).map((s) => s.name);
    return [...single, ...[...this.readings.values()].filter((r) => r.family === family).map((r) => r.spec)];
  }

  /** Resolve `a`, `a+b`, or a kernel name; throws UnknownStrategyError or CompositionError. */
  resolve(spec: string): Kernel {
    const parts: Strategy[] = [];
    // Which name brought each strategy in: a strategy named twice (a+a, or v5.9+refcount-reuse when
    // v5.9 has it) would run a column whose name claims a composition that is not there.
    const via = new Map<Strategy, string>();
    const add = (s: Strategy, from: string) => {
      const prev = via.get(s);
      if (prev !== undefined) {
        throw new CompositionError(prev === s.name && from === s.name ? `${spec} names ${s.name} twice` : `${spec}: ${prev === s.name ? from : prev} already has ${s.name}${prev === s.name || from === s.name ? '' : ` (so does ${from})`}`);
      }
      via.set(s, from);
      parts.push(s);
    };
    for (const name of spec.split('+')) {
      const s = this.strategies.get(name);
      if (s) {
        add(s, name);
        continue;
      }
      const k = this.kernels.get(name);
      if (k) {
        for (const n of k.strategies) {
          const ks = this.strategies.get(n);
          if (!ks) throw new UnknownStrategyError(`kernel ${k.name} names unknown strategy ${n}${didYouMean(n, this.strategies.keys())}`);
          add(ks, k.name);
        }
        continue;
      }
      throw new UnknownStrategyError(`unknown strategy ${name === '' ? "'' (an empty name between + signs)" : name}${didYouMean(name, [...this.strategies.keys(), ...this.kernels.keys()])} (see faultline list strategies)`);
    }
    return compose(spec, parts);
  }

  /** For the workload loader: null if the name resolves. */
  checkStrategy(spec: string): string | null {
    try {
      this.resolve(spec);
      return null;
    } catch (e) {
      if (e instanceof UnknownStrategyError || e instanceof CompositionError) return e.message;
      throw e;
    }
  }
}

export function loadKernels(file: string): KernelsConfig {
  const text = readFileSync(file, 'utf8');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const at = (path: (string | number)[]) => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const p = node?.range ? lc.linePos(node.range[0]) : { line: 1, col: 1 };
    return { file, line: p.line, col: p.col };
  };
  if (doc.errors.length) {
    const p = lc.linePos(doc.errors[0]!.pos[0]);
    throw new WorkloadError({ file, line: p.line, col: p.col }, `YAML syntax: ${doc.errors[0]!.message.split('\n')[0]}`);
  }
  const r = KernelsFile.safeParse(doc.toJS());
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new WorkloadError(at(issue.path as (string | number)[]), `${issue.path.join('.')}: ${issue.message}`);
  }
  const features: FeatureInfo[] = Object.entries(r.data.features).map(([id, f]) => ({ id, ...f }));
  const byId = new Map(features.map((f) => [f.id, f]));
  const kernels: KernelTimeline[] = [];
  for (const [name, k] of Object.entries(r.data.kernels)) {
    const version = k.version ?? /^v(\d+\.\d+(?:\.\d+)?)$/.exec(name)?.[1];
    if (version === undefined) throw new WorkloadError(at(['kernels', name]), `kernels.${name}: which release is it? Name it vX.Y or give version: X.Y`);
    const v = parseVersion(version)!;
    k.features.forEach((id, i) => {
      const f = byId.get(id);
      if (!f) throw new WorkloadError(at(['kernels', name, 'features', i]), `kernels.${name}.features: unknown feature ${id}${didYouMean(id, byId.keys())} (features: are defined at the top of the file)`);
      if (compareVersions(parseVersion(f.since)!, v) > 0) throw new WorkloadError(at(['kernels', name, 'features', i]), `kernels.${name}.features: ${id} came in ${f.since} (${f.commit}), after ${version}`);
    });
    // A timeline has every feature its release had: one left out would make workloads skip that the kernel runs.
    const missing = features.filter((f) => compareVersions(parseVersion(f.since)!, v) <= 0 && !k.features.includes(f.id));
    if (missing.length > 0 && byId.size > 0) {
      throw new WorkloadError(at(['kernels', name]), `kernels.${name}: ${version} has ${missing.map((f) => `${f.id} (${f.since})`).join(', ')}: list ${missing.length === 1 ? 'it' : 'them'} under features:`);
    }
    const twice = k.strategies.find((s, i) => k.strategies.indexOf(s) !== i);
    if (twice !== undefined) throw new WorkloadError(at(['kernels', name, 'strategies', k.strategies.lastIndexOf(twice)]), `kernels.${name}.strategies: ${twice} is listed twice`);
    kernels.push({ name, version, summary: k.summary, strategies: k.strategies, refs: k.refs, features: k.features, pos: at(['kernels', name]), strategyPos: k.strategies.map((_, i) => at(['kernels', name, 'strategies', i])) });
  }
  // Every feature an op can ask for must be defined, or a skip could not say when the kernel got it.
  if (kernels.length > 0) {
    const undefinedIds = FEATURE_IDS.filter((id) => !byId.has(id));
    if (undefinedIds.length > 0) throw new WorkloadError(at(['features']), `features: no entry for ${undefinedIds.join(', ')}, which ops need (give each summary, since and commit)`);
  }
  return { features, kernels };
}
