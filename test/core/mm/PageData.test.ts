import { describe, expect, it } from 'vitest';
import { PageData, runsToString, type Runs } from '../../../src/core/mm/PageData.js';

const SIZE = 16;

/** Every byte of the page, for comparing against a plain array model. */
function bytes(d: PageData): number[] {
  return Array.from({ length: d.size }, (_, i) => d.at(i));
}

/** The page built from (value, lo, hi) fills applied in order to a plain byte array. */
function model(fills: [number, number, number][]): number[] {
  const b = new Array<number>(SIZE).fill(0);
  for (const [v, lo, hi] of fills) for (let i = lo; i < hi; i++) b[i] = v;
  return b;
}

function page(...fills: [number, number, number][]): PageData {
  const d = new PageData(SIZE);
  for (const [v, lo, hi] of fills) d.fill(v, lo, hi);
  return d;
}

describe('PageData: a new page', () => {
  it('is all zero bytes, held as one run', () => {
    const d = new PageData(SIZE);
    expect(bytes(d)).toEqual(new Array(SIZE).fill(0));
    expect(d.s).toEqual([0]);
    expect(d.v).toEqual([0]);
  });
});

describe('PageData.fill', () => {
  it('at the start of the page splits off a leading run', () => {
    const d = page([7, 0, 4]);
    expect(d.s).toEqual([0, 4]);
    expect(d.v).toEqual([7, 0]);
    expect(bytes(d)).toEqual(model([[7, 0, 4]]));
  });

  it('at the end of the page adds a trailing run and nothing after it', () => {
    const d = page([9, 12, 16]);
    expect(d.s).toEqual([0, 12]);
    expect(d.v).toEqual([0, 9]);
    expect(d.at(11)).toBe(0);
    expect(d.at(12)).toBe(9);
    expect(d.at(15)).toBe(9);
  });

  it('of the whole page leaves a single run', () => {
    const d = page([3, 4, 8], [5, 0, SIZE]);
    expect(d.s).toEqual([0]);
    expect(d.v).toEqual([5]);
  });

  it('in the middle splits the run around it, and the old value continues after it', () => {
    const d = page([3, 4, 8]);
    expect(d.s).toEqual([0, 4, 8]);
    expect(d.v).toEqual([0, 3, 0]);
    expect([d.at(3), d.at(4), d.at(7), d.at(8)]).toEqual([0, 3, 3, 0]);
  });

  it('adjacent to a run of the same value merges with it (after)', () => {
    const d = page([3, 4, 8], [3, 8, 12]);
    expect(d.s).toEqual([0, 4, 12]);
    expect(d.v).toEqual([0, 3, 0]);
  });

  it('adjacent to a run of the same value merges with it (before)', () => {
    const d = page([3, 4, 8], [3, 0, 4]);
    expect(d.s).toEqual([0, 8]);
    expect(d.v).toEqual([3, 0]);
  });

  it('filling the gap between two runs of its value merges all three', () => {
    const d = page([1, 0, 4], [1, 8, 12], [1, 4, 8]);
    expect(d.s).toEqual([0, 12]);
    expect(d.v).toEqual([1, 0]);
  });

  it('with the value already there changes nothing', () => {
    const d = page([0, 4, 8]);
    expect(d.s).toEqual([0]);
    expect(d.v).toEqual([0]);
  });

  it('ending exactly at the start of the next run keeps that run intact', () => {
    const d = page([3, 4, 8], [5, 0, 4]);
    expect(d.s).toEqual([0, 4, 8]);
    expect(d.v).toEqual([5, 3, 0]);
  });

  it('over several runs replaces them, keeping the parts outside the range', () => {
    const fills: [number, number, number][] = [
      [1, 0, 4],
      [2, 4, 8],
      [3, 8, 12],
      [9, 2, 10],
    ];
    const d = page(...fills);
    expect(bytes(d)).toEqual(model(fills));
    expect(d.s).toEqual([0, 2, 10, 12]);
    expect(d.v).toEqual([1, 9, 3, 0]);
  });

  it('of an empty or inverted range is a no-op', () => {
    const d = page([3, 4, 8]);
    d.fill(9, 6, 6);
    d.fill(9, 10, 5);
    expect(d.s).toEqual([0, 4, 8]);
    expect(d.v).toEqual([0, 3, 0]);
  });

  it('of single bytes agrees with a byte-array model on an irregular sequence', () => {
    const fills: [number, number, number][] = [
      [0xaa, 3, 11],
      [0xbb, 0, 1],
      [0xcc, 15, 16],
      [0xaa, 11, 13],
      [0x00, 5, 6],
      [0xbb, 1, 3],
      [0xdd, 6, 15],
    ];
    const d = page(...fills);
    expect(bytes(d)).toEqual(model(fills));
    // Runs are canonical: no two neighbours hold the same value, and starts strictly increase.
    for (let i = 1; i < d.v.length; i++) {
      expect(d.v[i]).not.toBe(d.v[i - 1]);
      expect(d.s[i]!).toBeGreaterThan(d.s[i - 1]!);
    }
    expect(d.s[0]).toBe(0);
  });
});

describe('PageData.at', () => {
  it('reads the byte of the run in force at each boundary', () => {
    const d = page([3, 4, 8], [6, 12, 16]);
    expect([0, 3, 4, 7, 8, 11, 12, 15].map((i) => d.at(i))).toEqual([0, 0, 3, 3, 0, 0, 6, 6]);
  });
});

describe('PageData.read', () => {
  const d = page([3, 4, 8]);

  it('returns the runs of the range as (start, end, value) triples relative to its start', () => {
    const out: Runs = [];
    d.read(2, 10, out, 0);
    expect(out).toEqual([0, 2, 0, 2, 6, 3, 6, 8, 0]);
  });

  it('shifts the triples by the base offset', () => {
    const out: Runs = [];
    d.read(2, 10, out, 100);
    expect(out).toEqual([100, 102, 0, 102, 106, 3, 106, 108, 0]);
  });

  it('inside a single run gives one triple', () => {
    const out: Runs = [];
    d.read(5, 6, out, 0);
    expect(out).toEqual([0, 1, 3]);
  });

  it('the whole page gives every run, the last one ending at the page size', () => {
    const out: Runs = [];
    d.read(0, SIZE, out, 0);
    expect(out).toEqual([0, 4, 0, 4, 8, 3, 8, SIZE, 0]);
  });

  it('appends to existing output, merging with a contiguous last triple of the same value', () => {
    const out: Runs = [0, 50, 0];
    d.read(8, SIZE, out, 50);
    expect(out).toEqual([0, 58, 0]);
  });

  it('does not merge with a last triple of another value, or one that is not contiguous', () => {
    const other: Runs = [0, 50, 7];
    d.read(8, SIZE, other, 50);
    expect(other).toEqual([0, 50, 7, 50, 58, 0]);
    const gap: Runs = [0, 40, 0];
    d.read(8, SIZE, gap, 50);
    expect(gap).toEqual([0, 40, 0, 50, 58, 0]);
  });

  it('reading two halves back to back equals reading the whole range', () => {
    const halves: Runs = [];
    d.read(0, 6, halves, 0);
    d.read(6, SIZE, halves, 6);
    const whole: Runs = [];
    d.read(0, SIZE, whole, 0);
    expect(halves).toEqual(whole);
  });

  it('renders with runsToString', () => {
    const out: Runs = [];
    d.read(0, SIZE, out, 0);
    expect(runsToString(out)).toBe('0..4=0x00 4..8=0x03 8..16=0x00');
  });
});

describe('PageData copies', () => {
  it('copyFrom makes this page equal to the other, and later writes to either stay separate', () => {
    const src = page([3, 4, 8]);
    const dst = page([9, 0, SIZE]);
    dst.copyFrom(src);
    expect(bytes(dst)).toEqual(bytes(src));
    dst.fill(1, 0, 2);
    src.fill(2, 14, 16);
    expect(src.at(0)).toBe(0);
    expect(dst.at(15)).toBe(0);
    expect(dst.at(0)).toBe(1);
    expect(src.at(15)).toBe(2);
  });

  it('clone is an independent page of the same size and contents', () => {
    const src = page([3, 4, 8]);
    const c = src.clone();
    expect(c).not.toBe(src);
    expect(c.size).toBe(SIZE);
    expect(bytes(c)).toEqual(bytes(src));
    c.fill(7, 0, SIZE);
    expect(src.at(5)).toBe(3);
    expect(src.at(0)).toBe(0);
  });
});
