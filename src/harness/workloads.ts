import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Catalog } from './workload/load.js';
import { loadWorkloadSeries } from './workload/load.js';
import type { Workload } from './workload/types.js';
import { didYouMean, WorkloadError } from './workload/WorkloadError.js';

/** Files in configs/ that are not workloads. */
const NOT_WORKLOADS = new Set(['kernels.yaml']);

/** A name on the command line that is neither a file, a folder, nor a workload id or family under configs/. */
export class UnknownWorkloadError extends Error {}

/** The workload files under `paths` (files or folders), sorted, each with its id. */
export function findWorkloadFiles(paths: string[], configsRoot: string): { file: string; id: string }[] {
  const out: { file: string; id: string }[] = [];
  const walk = (p: string, arg: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const e of readdirSync(p).sort()) {
        const q = join(p, e);
        if (statSync(q).isDirectory()) walk(q, arg);
        else if ((e.endsWith('.yaml') || e.endsWith('.yml')) && !NOT_WORKLOADS.has(e)) out.push({ file: q, id: workloadId(q, configsRoot, arg) });
      }
    } else out.push({ file: p, id: workloadId(p, configsRoot, arg) });
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new WorkloadError({ file: p, line: 1, col: 1 }, 'no such file or folder');
    walk(p, p);
  }
  const seen = new Set<string>();
  return out.filter((f) => (seen.has(f.file) ? false : (seen.add(f.file), true)));
}

/**
 * id = path under configs/ without .yaml; for a file elsewhere, its path from the current folder;
 * for a file outside the current folder too, its path from the folder that holds the argument that
 * named it (so `run /tmp/mine/gup-cow` gives `gup-cow/x`, family gup-cow). Never `..`, never
 * absolute: ids are printed in reports and given back on the command line.
 */
export function workloadId(file: string, configsRoot: string, arg: string = file): string {
  const abs = resolve(file);
  const root = resolve(configsRoot);
  const under = (dir: string) => abs.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  let rel: string;
  if (under(root)) rel = relative(root, abs);
  else if (under(process.cwd())) rel = relative(process.cwd(), abs);
  else {
    const a = resolve(arg);
    const top = statSync(a).isDirectory() ? dirname(a) : dirname(dirname(a));
    rel = top === a || !under(top) ? basename(abs) : relative(top, abs);
  }
  return rel.split(sep).join('/').replace(/\.ya?ml$/, '');
}

export function loadWorkloads(paths: string[], configsRoot: string, catalog: Catalog): Workload[] {
  return findWorkloadFiles(paths, configsRoot).flatMap((f) => loadWorkloadSeries(f.file, f.id, catalog));
}

/**
 * What the user typed for workloads, as files and folders: a path that exists is itself; else a
 * workload id (`gup-cow/bug1-dio-read-get`, what every report prints) or a family folder under
 * configs/; else bad input with a did-you-mean over every id and family.
 */
export function resolveWorkloadArgs(args: string[], configsRoot: string): string[] {
  return args.map((a) => {
    if (existsSync(a)) return a;
    // A point of a scale: series (`x@pages=4`) names its file; the whole series runs (-t picks one point).
    const id = a.replace(/\.ya?ml$/, '').replace(/\/+$/, '').replace(/@[A-Za-z_][A-Za-z0-9_]*=\d+$/, '');
    for (const c of [join(configsRoot, `${id}.yaml`), join(configsRoot, `${id}.yml`), join(configsRoot, id)]) if (id !== '' && existsSync(c)) return c;
    const names = existsSync(configsRoot) ? findWorkloadFiles([configsRoot], configsRoot).map((f) => f.id) : [];
    const families = [...new Set(names.map((n) => n.split('/')[0]!))];
    throw new UnknownWorkloadError(`no file, folder or workload ${a}${didYouMean(id, [...names, ...families])} (workload ids and families: faultline list workloads)`);
  });
}

/** `*` any run of characters, `?` one; anything else literal. */
function globRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * `-t/--filter PATTERN[,PATTERN...]`: workloads whose id contains a pattern, or matches it as a glob
 * (`*`, `?`) when it has one, from the start of the id or of any of its folders. A pattern that matches nothing is bad input, not an empty run.
 */
export function filterWorkloads<W extends { id: string }>(workloads: W[], patterns: string[]): W[] {
  // A glob matches the whole id or a tail of it from a `/` on: `bug1*` and `gup-cow/*` both work.
  const glob = (re: RegExp) => (id: string) => id.split('/').some((_, i, segs) => re.test(segs.slice(i).join('/')));
  const tests = patterns.map((p) => ({ p, test: /[*?]/.test(p) ? glob(globRegExp(p)) : (id: string) => id.includes(p) }));
  for (const t of tests) {
    if (!workloads.some((w) => t.test(w.id))) {
      throw new UnknownWorkloadError(`--filter ${t.p} matches no workload${didYouMean(t.p, workloads.map((w) => w.id))} (ids: faultline list workloads)`);
    }
  }
  return workloads.filter((w) => tests.some((t) => t.test(w.id)));
}
