import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPS } from '../../../src/harness/ops/index.js';
import { opArgs, opsMarkdown, opsText } from '../../../src/harness/ops/reference.js';
import { ROOT } from '../../helpers.js';

describe('the op reference', () => {
  it('docs/ops.md is the one generated from the schemas (faultline schema --ops docs/ops.md)', () => {
    expect(readFileSync(join(ROOT, 'docs/ops.md'), 'utf8')).toBe(opsMarkdown() + '\n');
  });

  it('names every op and every argument with its default', () => {
    const text = opsText();
    for (const name of OPS.keys()) expect(text).toMatch(new RegExp(`^${name}: `, 'm'));
    const dio = opArgs('dio_read');
    expect(dio.form).toBe('map');
    expect(dio.args.find((a) => a.name === 'off')).toMatchObject({ type: 'integer ≥ 0', required: false, default: '0' });
    expect(dio.args.find((a) => a.name === 'fill')).toMatchObject({ required: true });
    expect(opArgs('fork')).toMatchObject({ form: 'scalar' });
  });
});
