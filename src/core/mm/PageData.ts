/** What records a page's data accesses for partial-order reduction: bytes [lo, hi) read or written. */
export interface DataFootprint {
  touchData(write: boolean, lo: number, hi: number): void;
}

/**
 * The contents of a page as runs of equal bytes. Workloads write fills, devices DMA fills, COW and
 * fork copy whole pages: a page holds a handful of runs, so copying, writing and judging a 4 KiB page
 * costs a few operations instead of 4096, while every byte keeps its own value.
 */
export class PageData {
  /** Run i covers [s[i], s[i+1]) (the last one up to size) and holds the byte v[i]. */
  s: number[] = [0];
  v: number[] = [0];

  constructor(
    readonly size: number,
    /** The page holding these bytes, whose footprint records reads and writes (none for copies). */
    readonly page: DataFootprint | null = null,
  ) {}

  copyFrom(o: PageData): void {
    if (this.page !== null) this.page.touchData(true, 0, this.size);
    if (o.page !== null) o.page.touchData(false, 0, o.size);
    this.s = o.s.slice();
    this.v = o.v.slice();
  }

  /** Copy bytes [lo, hi) of `o` over the same bytes of this page (a part of a page copy). */
  copyRange(o: PageData, lo: number, hi: number): void {
    if (lo === 0 && hi >= this.size) {
      this.copyFrom(o);
      return;
    }
    const runs: Runs = [];
    o.read(lo, hi, runs, lo);
    for (let i = 0; i < runs.length; i += 3) this.fill(runs[i + 2]!, runs[i]!, runs[i + 1]!);
  }

  clone(): PageData {
    if (this.page !== null) this.page.touchData(false, 0, this.size);
    const d = new PageData(this.size);
    d.copyFrom(this);
    return d;
  }

  at(i: number): number {
    if (this.page !== null) this.page.touchData(false, i, i + 1);
    const s = this.s;
    let r = 0;
    while (r + 1 < s.length && s[r + 1]! <= i) r++;
    return this.v[r]!;
  }

  /** Set one byte (a bitop on a word in this page changes one byte of it). */
  setByte(i: number, val: number): void {
    this.fill(val & 0xff, i, i + 1);
  }

  /** Set bytes [lo, hi) to `val`. */
  fill(val: number, lo: number, hi: number): void {
    if (lo >= hi) return;
    if (this.page !== null) this.page.touchData(true, lo, hi);
    const s = this.s;
    const v = this.v;
    const ns: number[] = [];
    const nv: number[] = [];
    const push = (start: number, value: number) => {
      if (nv.length && nv[nv.length - 1] === value) return;
      ns.push(start);
      nv.push(value);
    };
    let i = 0;
    for (; i < s.length && s[i]! < lo; i++) push(s[i]!, v[i]!);
    push(lo, val);
    // The run in force at hi continues after it.
    let r = 0;
    while (r + 1 < s.length && s[r + 1]! <= hi) r++;
    if (hi < this.size) {
      push(hi, v[r]!);
      for (let j = r + 1; j < s.length; j++) push(s[j]!, v[j]!);
    }
    this.s = ns;
    this.v = nv;
  }

  /** Append the runs of [lo, hi) to `out` as (start, end, value) triples, shifted by `base - lo`. */
  read(lo: number, hi: number, out: number[], base: number): void {
    if (this.page !== null) this.page.touchData(false, lo, hi);
    const s = this.s;
    const n = s.length;
    for (let r = 0; r < n; r++) {
      const a = s[r]!;
      const b = r + 1 < n ? s[r + 1]! : this.size;
      if (b <= lo || a >= hi) continue;
      const x = Math.max(a, lo) - lo + base;
      const y = Math.min(b, hi) - lo + base;
      const val = this.v[r]!;
      const m = out.length;
      if (m >= 3 && out[m - 1] === val && out[m - 2] === x) out[m - 2] = y;
      else out.push(x, y, val);
    }
  }
}

/** Observed bytes as (start, end, value) triples, relative to the observation's first byte. */
export type Runs = number[];

export function runsToString(r: Runs): string {
  const parts: string[] = [];
  for (let i = 0; i < r.length; i += 3) parts.push(`${r[i]}..${r[i + 1]}=0x${r[i + 2]!.toString(16).padStart(2, '0')}`);
  return parts.join(' ');
}
