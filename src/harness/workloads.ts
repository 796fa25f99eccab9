import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Catalog } from './workload/load.js';
import { loadWorkloadFile } from './workload/load.js';
import type { Workload } from './workload/types.js';
import { WorkloadError } from './workload/WorkloadError.js';

/** Files in configs/ that are not workloads. */
const NOT_WORKLOADS = new Set(['kernels.yaml']);

/** The workload files under `paths` (files or folders), sorted, each with its id. */
export function findWorkloadFiles(paths: string[], configsRoot: string): { file: string; id: string }[] {
  const out: { file: string; id: string }[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) {
        const q = join(p, e);
        if (statSync(q).isDirectory()) walk(q);
        else if ((e.endsWith('.yaml') || e.endsWith('.yml')) && !NOT_WORKLOADS.has(e)) out.push({ file: q, id: workloadId(q, configsRoot) });
      }
    } else out.push({ file: p, id: workloadId(p, configsRoot) });
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new WorkloadError({ file: p, line: 1, col: 1 }, 'no such file or folder');
    walk(p);
  }
  const seen = new Set<string>();
  return out.filter((f) => (seen.has(f.file) ? false : (seen.add(f.file), true)));
}

/** id = path under configs/ without .yaml (or under the current folder for files elsewhere). */
export function workloadId(file: string, configsRoot: string): string {
  const abs = resolve(file);
  const root = resolve(configsRoot);
  const rel = abs.startsWith(root + sep) ? relative(root, abs) : relative(process.cwd(), abs);
  return rel.split(sep).join('/').replace(/\.ya?ml$/, '');
}

export function loadWorkloads(paths: string[], configsRoot: string, catalog: Catalog): Workload[] {
  return findWorkloadFiles(paths, configsRoot).map((f) => loadWorkloadFile(f.file, f.id, catalog));
}
