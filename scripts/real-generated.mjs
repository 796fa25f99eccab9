#!/usr/bin/env node
// Held-out workloads on the real kernel (`npm run test:real-generated`): the differential tester's
// generator writes workloads from consecutive seeds into a temporary folder, and `faultline real`
// holds this machine's kernel to the model on each. Exit status and reports are faultline real's.
// Options: --from N (first seed, default 1) --count N (default 24) --families a,b (default: every
// family but user-events) --keep DIR (write the workloads there and keep them); everything after
// `--` goes to faultline real (e.g. -- --runs 40 --out reports/real-generated).
//
// Workloads where a sibling munmaps a buffer registered with io_uring while the device writes into
// it are left out: on Linux 6.18 such a run left a task that did not die of SIGKILL (finding 12 in
// docs/real-kernel.md), spinning until reboot.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { generate, FAMILIES } = await import(join(root, 'dist', 'src', 'harness', 'differential', 'generate.js'));

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash < 0 ? argv : argv.slice(0, dash);
const passed = dash < 0 ? [] : argv.slice(dash + 1);
const opt = (name, dflt) => {
  const i = own.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = own[i + 1];
  if (v === undefined || (typeof dflt === 'number' && !/^\d+$/.test(v))) {
    console.error(`--${name} takes ${typeof dflt === 'number' ? 'a whole number' : 'a value'}`);
    process.exit(2);
  }
  return typeof dflt === 'number' ? Number(v) : v;
};
const known = new Set(['--from', '--count', '--families', '--keep']);
for (let i = 0; i < own.length; i += 2) {
  if (!known.has(own[i])) {
    console.error(`unknown option ${own[i]}; allowed: ${[...known].join(', ')} (and -- then faultline real's options)`);
    process.exit(2);
  }
}
const from = opt('from', 1);
const count = opt('count', 24);
const families = opt('families', FAMILIES.filter((f) => f !== 'user-events').join(',')).split(',');
for (const f of families) {
  if (!FAMILIES.includes(f)) {
    console.error(`--families: unknown family ${f}; allowed: ${FAMILIES.join(', ')}`);
    process.exit(2);
  }
}
const keep = opt('keep', '');
const dir = keep || mkdtempSync(join(tmpdir(), 'faultline-real-generated-'));
mkdirSync(dir, { recursive: true });
let written = 0;
let left = 0;
for (let seed = from; seed < from + count; seed++) {
  const g = generate(seed, families[(seed - from) % families.length]);
  if (/\bpin_write\b/.test(g.yaml) && /\bmunmap\b/.test(g.yaml)) {
    left++;
    continue;
  }
  writeFileSync(join(dir, `${g.family}-${seed}.yaml`), g.yaml);
  written++;
}
console.error(`real-generated: ${written} workloads from seeds ${from}..${from + count - 1} in ${dir}${left ? ` (${left} left out: io_uring buffer munmapped, see finding 12)` : ''}`);
const r = spawnSync(process.execPath, [join(root, 'bin', 'faultline.js'), 'real', dir, ...passed], { stdio: 'inherit' });
if (!keep) rmSync(dir, { recursive: true, force: true });
process.exit(r.status ?? 3);
