/**
 * The registry: what a family runs by default. A proposal that reads as two building blocks (the
 * seed's TRIED2 limit comes with the waitqueue recheck) runs as that composition, beside the blocks.
 */
import { describe, expect, it } from 'vitest';
import { registry } from '../helpers.js';

describe('Registry readings', () => {
  const reg = registry();
  it('uffd-retry runs tried-twice alone (the building block) and tried-twice+spinlock-recheck (the proposal as written)', () => {
    const specs = reg.familyStrategies('uffd-retry');
    expect(specs).toContain('tried-twice');
    expect(specs).toContain('tried-twice+spinlock-recheck');
    const k = reg.resolve('tried-twice+spinlock-recheck');
    expect(k.parts.map((p) => p.name).sort()).toEqual(['spinlock-recheck', 'tried-twice']);
  });
  it('other families do not get it', () => {
    expect(reg.familyStrategies('gup-cow')).not.toContain('tried-twice+spinlock-recheck');
  });
});
