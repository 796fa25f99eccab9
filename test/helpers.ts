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

/**
 * The parent writes a page, forks, and writes it again after the child is up; the child then reads
 * it: fork, COW and do_wp_page all run. A strategy that reuses the shared page leaks the write.
 */
/** forkThenWriteWorkload's YAML, for specs that need a variant of it (an edited workload). */
export const FORK_THEN_WRITE_YAML = `
title: parent writes a COW-shared page after fork; the child reads it
processes:
  P:
    vmas: { buf: { pages: 1 } }
    threads:
      main:
        - write: { at: buf, fill: 0x11 }
        - fork: C
        - write: { at: buf, fill: 0x22 }
        - post: written
  C:
    threads:
      main:
        - await: written
        - read: { at: buf }
`;

export function forkThenWriteWorkload(): Workload {
  return workload(FORK_THEN_WRITE_YAML);
}
