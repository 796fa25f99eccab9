import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { OPS } from '../../../src/harness/ops/index.js';
import { ERRNOS, loadWorkloadFile } from '../../../src/harness/workload/load.js';
import { WorkloadError } from '../../../src/harness/workload/WorkloadError.js';
import { ROOT, registry } from '../../helpers.js';

/**
 * The corpus of malformed workloads in test/fixtures/bad/: each is refused before anything runs,
 * with exactly this line (`file:line:col: what is wrong (what is allowed)`). Lists that grow as the
 * project grows (ops, errnos, families) are spelt as placeholders.
 */
const BAD: [string, string][] = [
  ['alias-bomb.yaml', '3:8: YAML: too many aliases expand here (at most 50 alias expansions per file)'],
  ['allow-unknown-errno.yaml', '10:19: allow: unknown error EFAULTT (did you mean EFAULT?) (allowed: {ERRNOS})'],
  ['bad-thread-name.yaml', '8:7: processes.P.threads.main thread: the key main thread is not allowed (a name: letters, digits, _ . -)'],
  ['binary.yaml', '1:1: binary file (a workload is YAML text)'],
  ['byte-fraction.yaml', '9:35: write.fill: got the number 1.5 (expected a whole number 0..255)'],
  ['byte-infinite.yaml', '9:35: write.fill: got the number inf (expected a whole number 0..255)'],
  ['byte-negative.yaml', '9:35: write.fill: the number -1 is out of range (a whole number 0..255)'],
  ['byte-out-of-range.yaml', '9:35: write.fill: the number 256 is out of range (a whole number 0..255)'],
  ['comment-only.yaml', '1:1: empty workload (expected a map with title and processes)'],
  ['constructor-key-nested.yaml', '6:36: the key constructor is not allowed (reserved: __proto__, constructor, prototype)'],
  ['duplicate-handle.yaml', '10:11: dio_read: the handle r1 is already defined in P (each as: names a new handle)'],
  ['empty.yaml', '1:1: empty workload (expected a map with title and processes)'],
  ['expect-conflicting-composition.yaml', '11:3: expect: strategies fork-copy and anon-exclusive both override the hook forkMustCopy; they cannot be composed'],
  ['expect-not-a-list.yaml', '11:12: expect.default: got the string "lost-dio-read" (expected a list of invariant ids, or skip)'],
  ['expect-unknown-invariant.yaml', '11:13: expect: unknown invariant lost-dio-reed (did you mean lost-dio-read?) (see faultline list invariants)'],
  ['expect-unknown-strategy.yaml', '12:3: expect: unknown strategy mapcount-reus (did you mean mapcount-reuse?) (see faultline list strategies)'],
  ['explore-preemptions-range.yaml', '10:25: explore.preemptions: the number 99 is out of range (a whole number 0..8, or unbounded)'],
  ['explore-unknown-mode.yaml', '10:18: explore.mode: the string "bfs" is not allowed (allowed: exhaustive, dfs, random, pct, dpor)'],
  ['fork-self.yaml', '9:11: fork: P cannot fork itself (fork names another process declared under processes:)'],
  ['forked-child-with-vmas.yaml', '12:7: C is forked, so it inherits its mappings from P; it cannot declare vmas'],
  ['mmap-used-before.yaml', '9:11: write: b2 is made by an mmap that does not come before this op in P.main (a mapping from mmap can be used by the ops after it in its thread)'],
  ['missing-processes.yaml', '2:1: processes: missing (expected a map)'],
  ['offset-beyond-vma.yaml', '9:11: write: off 4096 is beyond buf (4096 bytes: off 0..4095)'],
  ['op-missing-arg.yaml', '9:18: write.at: missing (expected a mapping of this process)'],
  ['op-null.yaml', '9:11: processes.P.threads.main.0: got null (expected an op: `name` or `{ name: args }` with optional `allow: [ERRNO...]`; see `faultline list ops`)'],
  ['op-two-names.yaml', '9:11: an op is a map with exactly one op name (and optionally allow:), got write, read'],
  ['page-size-not-power-of-two.yaml', '10:12: page_size: the number 1000 is not a power of two (a whole number 64..65536, a power of two)'],
  ['pages-out-of-range.yaml', '6:33: processes.P.vmas.buf.pages: the number 5000 is out of range (a whole number 1..4096)'],
  ['proto-key.yaml', '10:1: the key __proto__ is not allowed (reserved: __proto__, constructor, prototype)'],
  ['range-past-end.yaml', '9:11: read: off 4000 + len 200 runs past the end of buf (4096 bytes: off + len at most 4096)'],
  ['top-level-list.yaml', '2:1: a workload is a map with title and processes'],
  ['undeclared-event.yaml', '9:11: await: no thread posts go (posted events: none)'],
  ['undeclared-handle.yaml', '9:11: dio_wait: no dio handle r1 in P (dio handles in P: none)'],
  ['undeclared-process-fork.yaml', '9:11: fork: no process Q is declared (did you mean P?) (processes: P)'],
  ['undeclared-process-waitpid.yaml', '9:11: waitpid: no process Q (did you mean P?) (processes: P)'],
  ['undeclared-vma.yaml', '9:11: write: P has no mapping bfu (did you mean buf?) (mappings: buf)'],
  ['unknown-family.yaml', '10:9: unknown family gup-cw (did you mean gup-cow?) (families: {FAMILIES})'],
  ['unknown-op-arg.yaml', '9:29: write: unknown key fil (did you mean fill?) (keys: at, off, len, fill)'],
  ['unknown-op.yaml', '9:11: unknown op wirte (did you mean write?) (ops: {OPS})'],
  ['unknown-top-key.yaml', '3:1: top level: unknown key titel (did you mean title?) (keys: title, family, refs, page_size, arch, memory, swap, processes, scale, timing, cost, explore, expect)'],
  ['unknown-vma-key.yaml', '6:26: processes.P.vmas.buf: unknown key pags (did you mean pages?) (keys: type, pages, prot, file)'],
  ['wrong-handle-kind.yaml', '10:11: unpin: r1 is a dio handle, not a pin one'],
  ['wrong-type-pages.yaml', '6:33: processes.P.vmas.buf.pages: got the string "two" (expected a whole number 1..4096)'],
  ['wrong-type-threads.yaml', '6:13: processes.P.threads.main: got a map (expected a list)'],
  ['wrong-type-title.yaml', '2:8: title: got the number 42 (expected a string)'],
  ['yaml-binary-tag.yaml', '2:17: title: got binary data (expected a string)'],
  ['yaml-duplicate-key.yaml', '10:1: YAML syntax: Map keys must be unique'],
  ['yaml-tab-indent.yaml', '4:1: YAML syntax: Tabs are not allowed as indentation'],
  ['yaml-two-documents.yaml', '10:1: YAML syntax: a workload file holds one YAML document (remove the second ---)'],
  ['yaml-unclosed-bracket.yaml', '3:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ['yaml-unknown-tag.yaml', '2:8: YAML: Unresolved tag: !shell (a workload uses plain YAML: no tags)'],
];

const DIR = 'test/fixtures/bad';
const reg = registry();
const expand = (s: string) =>
  s.replace('{OPS}', [...OPS.keys()].join(', ')).replace('{ERRNOS}', ERRNOS.join(', ')).replace('{FAMILIES}', reg.families().join(', '));

function refusal(file: string): string {
  try {
    loadWorkloadFile(file, `bad/${file}`, reg);
  } catch (e) {
    expect(e).toBeInstanceOf(WorkloadError);
    return (e as WorkloadError).message;
  }
  throw new Error(`${file} was accepted`);
}

describe('the corpus of malformed workloads', () => {
  it('has an expected line for every file in test/fixtures/bad/, and a file for every line', () => {
    expect(BAD.map(([f]) => f).sort()).toEqual(readdirSync(join(ROOT, DIR)).sort());
  });

  for (const [f, line] of BAD) {
    it(`${f}: ${line.replace(/\(.*$/, '')}`, () => {
      expect(refusal(`${DIR}/${f}`)).toBe(`${DIR}/${f}:${expand(line)}`);
    });
  }
});

/** main() in this process, with stdout and stderr captured. */
async function faultlineInProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((d) => ((out += String(d)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((d) => ((err += String(d)), true));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('faultline run refuses each malformed workload before anything runs', () => {
  for (const [f, line] of BAD) {
    it(`${f}: exit 2, exactly the one line on stderr, nothing on stdout, no report folder`, async () => {
      const out = join(mkdtempSync(join(tmpdir(), 'faultline-bad-')), 'reports');
      // A good workload first: a bad file anywhere in the list stops the whole run.
      const r = await faultlineInProcess(['run', 'configs/gup-cow/pin-ro-cow-shared.yaml', `${DIR}/${f}`, '--out', out, '--jobs', '1']);
      expect(r).toEqual({ code: 2, err: `faultline: ${DIR}/${f}:${expand(line)}\n`, out: '' });
      expect(existsSync(out)).toBe(false);
    });
  }

  it('the same as a separate process (bin/faultline.js), for a few of them', () => {
    for (const f of ['binary.yaml', 'alias-bomb.yaml', 'unknown-op.yaml', 'yaml-unclosed-bracket.yaml']) {
      const out = join(mkdtempSync(join(tmpdir(), 'faultline-bad-')), 'reports');
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/faultline.js'), 'run', `${DIR}/${f}`, '--out', out], { cwd: ROOT, encoding: 'utf8' });
      const line = BAD.find(([g]) => g === f)![1];
      expect({ code: r.status, err: r.stderr, out: r.stdout }).toEqual({ code: 2, err: `faultline: ${DIR}/${f}:${expand(line)}\n`, out: '' });
      expect(existsSync(out)).toBe(false);
    }
  });
});
