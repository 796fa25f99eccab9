#!/usr/bin/env node
// dist/ is built by `npm install` (the prepare script) and by `npm run build`; say so rather than
// print a module-resolution stack when it is missing.
import { existsSync } from 'node:fs';

// `faultline list workloads | head`: a reader that stops early is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('faultline: not built yet: run `npm install` (or `npm run build`) in the faultline folder\n');
  process.exitCode = 3;
} else {
  const { main: run } = await import(main.href);
  process.exitCode = await run(process.argv.slice(2));
}
