import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { ALL_READINGS, ALL_STRATEGIES } from '../../strategies/index.js';
import { CompositionError, compose, type Kernel, type Reading, type Strategy } from '../core/Strategy.js';
import { WorkloadError, didYouMean } from './workload/WorkloadError.js';

/** A named kernel timeline from configs/kernels.yaml: a composition of strategies. */
export interface KernelTimeline {
  name: string;
  summary: string;
  strategies: string[];
  refs: string[];
}

const KernelsFile = z.strictObject({
  kernels: z.record(
    z.string(),
    z.strictObject({ summary: z.string(), strategies: z.array(z.string()).min(1), refs: z.array(z.string()).default([]) }),
  ),
});

export class UnknownStrategyError extends Error {}

/** Every strategy and kernel timeline, and how names and compositions resolve to hook sets. */
export class Registry {
  readonly strategies = new Map<string, Strategy>();
  readonly kernels = new Map<string, KernelTimeline>();
  /** Compositions that are how a proposal reads (tried-twice+spinlock-recheck), by spec. */
  readonly readings = new Map<string, Reading>();

  constructor(strategies: Strategy[], kernels: KernelTimeline[], readings: Reading[] = []) {
    for (const s of strategies) this.strategies.set(s.name, s);
    for (const k of kernels) this.kernels.set(k.name, k);
    for (const k of kernels) this.resolve(k.name);
    for (const r of readings) {
      this.resolve(r.spec);
      this.readings.set(r.spec, r);
    }
  }

  /** The strategies in the tree, plus `extra` ones (--strategies-from), which may not reuse a name. */
  static load(kernelsYaml: string | null, extra: Strategy[] = []): Registry {
    const names = new Set(ALL_STRATEGIES.map((s) => s.name));
    const kernels = kernelsYaml ? loadKernels(kernelsYaml) : [];
    for (const s of extra) {
      if (names.has(s.name)) throw new UnknownStrategyError(`strategy ${s.name} is defined twice (each strategy name is used once)`);
      if (kernels.some((k) => k.name === s.name)) throw new UnknownStrategyError(`strategy ${s.name} has the name of a kernel in ${kernelsYaml} (choose another)`);
      names.add(s.name);
    }
    return new Registry([...ALL_STRATEGIES, ...extra], kernels, ALL_READINGS);
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
    for (const name of spec.split('+')) {
      const s = this.strategies.get(name);
      if (s) {
        parts.push(s);
        continue;
      }
      const k = this.kernels.get(name);
      if (k) {
        for (const n of k.strategies) {
          const ks = this.strategies.get(n);
          if (!ks) throw new UnknownStrategyError(`kernel ${k.name} names unknown strategy ${n}${didYouMean(n, this.strategies.keys())}`);
          parts.push(ks);
        }
        continue;
      }
      throw new UnknownStrategyError(`unknown strategy ${name}${didYouMean(name, [...this.strategies.keys(), ...this.kernels.keys()])} (see faultline list strategies)`);
    }
    const uniq = [...new Set(parts)];
    return compose(spec, uniq);
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

export function loadKernels(file: string): KernelTimeline[] {
  const text = readFileSync(file, 'utf8');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length) {
    const p = lc.linePos(doc.errors[0]!.pos[0]);
    throw new WorkloadError({ file, line: p.line, col: p.col }, `YAML syntax: ${doc.errors[0]!.message.split('\n')[0]}`);
  }
  const r = KernelsFile.safeParse(doc.toJS());
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number, number, number] } | undefined;
    const p = node?.range ? lc.linePos(node.range[0]) : { line: 1, col: 1 };
    throw new WorkloadError({ file, line: p.line, col: p.col }, `${issue.path.join('.')}: ${issue.message}`);
  }
  return Object.entries(r.data.kernels).map(([name, k]) => ({ name, summary: k.summary, strategies: k.strategies, refs: k.refs }));
}
