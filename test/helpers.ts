import { join } from 'node:path';
import { Registry } from '../src/harness/registry.js';
import { parseWorkload } from '../src/harness/workload/load.js';
import type { Workload } from '../src/harness/workload/types.js';

export const ROOT = join(import.meta.dirname, '..');
export const CONFIGS = join(ROOT, 'configs');

export function registry(): Registry {
  return Registry.load(join(CONFIGS, 'kernels.yaml'));
}

/** A workload from YAML text, as if it were configs/<id>.yaml. */
export function workload(yaml: string, id = 'test/inline', reg = registry()): Workload {
  return parseWorkload(yaml, `${id}.yaml`, id, reg);
}
