import type { ResultsFile } from '../results.js';

export function renderJson(results: ResultsFile): string {
  return JSON.stringify(results, null, 2) + '\n';
}
