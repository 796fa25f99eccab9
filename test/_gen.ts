import { readdirSync } from 'node:fs';
import { loadWorkloadFile } from '../src/harness/workload/load.js';
import { registry } from './helpers.js';
const reg = registry();
for (const f of readdirSync('test/fixtures/bad').sort()) {
  try { loadWorkloadFile(`test/fixtures/bad/${f}`, 'bad/' + f, reg); console.log(f, 'OK!!'); }
  catch (e: any) { console.log(e.name === 'WorkloadError' ? '' : 'CRASH ', e.message); }
}
