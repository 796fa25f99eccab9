import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompiledWorkload } from '../../../src/harness/real/compile.js';
import { runExecutor } from '../../../src/harness/real/executor.js';

// A stand-in for the executor: it reports its one run `unkillable` and leaves behind a process
// that holds its stdout open, as a task stuck in the kernel does (Linux 6.18, finding 12).
describe.skipIf(process.platform === 'win32')('the executor driver', () => {
  it('returns when the executor exits, even while a process it left holds its output open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-fake-exec-'));
    const bin = join(dir, 'exec.sh');
    writeFileSync(bin, "#!/bin/sh\n(sleep 30 &)\nprintf '0\\tunkillable\\tP.main#0=stuck\\n'\n");
    chmodSync(bin, 0o755);
    const runs = await runExecutor(bin, { runs: 1, timeoutMs: 100 } as unknown as CompiledWorkload);
    expect(runs).toEqual([{ run: 0, timedOut: true, unkillable: true, outcome: 'P.main#0=stuck' }]);
  }, 5000);
});
