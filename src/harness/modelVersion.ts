import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/**
 * The model's version, for replay tokens: a hash of the source of everything that decides what a
 * schedule does (the kernel model, the strategies, the ops, the oracle and the runtime), read from
 * wherever this module runs (dist/ or, under the test runner, src/). A token made before any of it
 * changed may name a schedule that no longer exists, or another one.
 */
export function modelVersion(): string {
  if (cached !== null) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const roots = [join(here, '..', 'core'), join(here, 'ops'), join(here, 'oracle'), join(here, 'runtime'), join(here, '..', '..', 'strategies')];
  const files: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names.sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(js|ts)$/.test(n) && !n.endsWith('.d.ts') && !n.endsWith('.map')) files.push(p);
    }
  };
  for (const r of roots) walk(r);
  const h = createHash('sha256');
  for (const f of files) h.update(readFileSync(f));
  cached = h.digest('hex').slice(0, 16);
  return cached;
}
