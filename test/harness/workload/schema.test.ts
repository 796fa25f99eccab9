import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workloadJsonSchema } from '../../../src/harness/workload/schema.js';
import { ROOT } from '../../helpers.js';

describe('schema/workload.schema.json', () => {
  it('is the one the loader validates with (regenerate with `faultline schema`)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'schema/workload.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(workloadJsonSchema())));
  });

  it('describes processes, explore and expect', () => {
    const s = workloadJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['title', 'processes', 'explore', 'expect', 'page_size']));
    expect(s.required).toEqual(expect.arrayContaining(['title', 'processes']));
  });
});
