import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * A workload file as results and reports name it: relative to the current folder, or, for a file
 * outside it, by its id. Never absolute: results.json is compared byte for byte across machines and
 * its messages are read in pull requests.
 */
export function shownFile(file: string, id: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel.startsWith('..') || isAbsolute(rel) ? `${id}.yaml` : rel.split(sep).join('/');
}
