import type { ResultsFile } from '../results.js';

/**
 * A view of results.json. Every format renders from the same ResultsFile, never from another
 * format's output, so no view can disagree with the source of truth. Registered by name, as
 * vitest's reporters are, so `--format` is just a list of names.
 */
export interface Reporter {
  /** The `--format` name. */
  name: string;
  /** File name in the `--out` folder, fixed by the contract. */
  file: string;
  description: string;
  render(results: ResultsFile): string;
}

const REPORTERS = new Map<string, Reporter>();

export function registerReporter(r: Reporter): void {
  if (REPORTERS.has(r.name)) throw new Error(`reporter ${r.name} registered twice`);
  REPORTERS.set(r.name, r);
}

export function getReporter(name: string): Reporter | undefined {
  return REPORTERS.get(name);
}

export function reporterNames(): string[] {
  return [...REPORTERS.keys()];
}
