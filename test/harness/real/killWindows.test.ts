import { describe, expect, it } from 'vitest';
import { killVariants } from '../../../src/harness/real/killWindows.js';

describe('kill windows: an op the executor saw in flight when its process was killed', () => {
  const model = new Set(['P.main#0=ok; P.main#1=ok; K.k#0=ok', 'P.main#0=ok; K.k#0=ok']);
  it('may have just completed in the model (any result the model gives it) or not yet started (no entry)', () => {
    const v = killVariants('P.main#0=ok; P.main#1=SIGKILL; K.k#0=ok', model);
    expect(v).toContain('P.main#0=ok; P.main#1=ok; K.k#0=ok');
    expect(v).toContain('P.main#0=ok; K.k#0=ok');
  });
  it('varies nothing but the SIGKILL entries', () => {
    expect(killVariants('P.main#0=ok; P.main#1=ok; K.k#0=ok', model)).toEqual([]);
    expect(killVariants('P.main#0=EFAULT; P.main#1=SIGKILL; K.k#0=ok', model).every((o) => o.startsWith('P.main#0=EFAULT'))).toBe(true);
  });
});
