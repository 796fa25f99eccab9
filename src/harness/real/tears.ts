import { opSlots } from '../outcome/Outcome.js';
import { COPY_CHUNKS } from '../../core/mm/highmem.js';
import type { Workload } from '../workload/types.js';

/**
 * The model writes memory in atomic pieces: its device DMAs an O_DIRECT read in `chunks` pieces
 * (core/io/blockdev.ts), a user `write` is one store, and copy_user_highpage() copies a page in
 * COPY_CHUNKS pieces (core/mm/highmem.ts). The real kernel and CPU land a few bytes at a time, so a
 * copy or a read racing with them tears inside a piece:
 * - gup-cow/bug1-dio-read-pin-swapped on 6.18: the child read 0x00*2592,0xAA*1504, fork copying a
 *   pinned page while the device DMA-ed into it;
 * - gup-cow/bug1-dio-read on 6.18: the child read 0x11*747,0x00*1301,0xAA*2048, fork's
 *   copy_present_page() copying the pinned page while P.writer's 2048-byte store was under way.
 * A device writing through a pin (pin_write) is one piece in the model too; what read, ptrace_peek,
 * pin_read and pipe_read returned is matched, each at the place it reads.
 * Such a tear is a model piece half done: it is allowed when snapping every run boundary that falls
 * strictly inside a piece (a DMA chunk, a store's range, split at copy_user_highpage()'s piece
 * edges) onto one of that piece's edges gives an outcome the model allows. Nothing else moves:
 * values, other boundaries and other ops must match exactly.
 */
export interface TearMatcher {
  /** The model outcome this real outcome is a tear of, or null. */
  match(outcome: string, allowed: ReadonlySet<string>): string | null;
}

interface Region {
  vma: string;
  /** Chunk edges, as byte offsets into the mapping. */
  edges: number[];
}

export function tearMatcher(w: Workload): TearMatcher | null {
  const regions: Region[] = [];
  const reads = new Map<string, { vma: string; off: number }>();
  const piece = w.pageSize / COPY_CHUNKS;
  // Where each pin and vmsplice handle lies: pin_write lands there, pin_read and pipe_read read it.
  const pins = new Map<string, { vma: string; off: number; len: number }>();
  const splices = new Map<string, { vma: string; off: number }>();
  for (const p of w.processes) for (const th of p.threads) for (const node of th.ops) {
    if (node.op !== 'pin' && node.op !== 'vmsplice') continue;
    const a = node.args as { as: string; at: string; off?: number; len?: number };
    const off = a.off ?? 0;
    const len = a.len ?? (pagesOf(w, a.at) ?? 1) * w.pageSize - off;
    if (node.op === 'pin') pins.set(a.as, { vma: a.at, off, len });
    else splices.set(a.as, { vma: a.at, off });
  }
  for (const p of w.processes) for (const th of p.threads) for (const node of th.ops) {
    if (node.op === 'dio_read') {
      const a = node.args as { at: string; off: number; len?: number; chunks: number };
      const size = (pagesOf(w, a.at) ?? 1) * w.pageSize;
      const len = a.len ?? size - a.off;
      const n = Math.max(1, Math.min(a.chunks, len));
      const edges: number[] = [];
      for (let c = 0; c <= n; c++) edges.push(a.off + Math.floor((len * c) / n));
      regions.push({ vma: a.at, edges });
    } else if (node.op === 'pin_write') {
      // The device writes through the pin in one piece in the model (core/io/pin.ts).
      const pin = pins.get((node.args as { pin: string }).pin);
      if (pin !== undefined && pin.len > 1) regions.push({ vma: pin.vma, edges: [pin.off, pin.off + pin.len] });
    } else if (node.op === 'write') {
      const a = node.args as { at: string; off?: number; len?: number };
      const off = a.off ?? 0;
      const size = (pagesOf(w, a.at) ?? 1) * w.pageSize;
      const end = off + (a.len ?? size - off);
      const edges = [off];
      for (let e = (Math.floor(off / piece) + 1) * piece; e < end; e += piece) edges.push(e);
      edges.push(end);
      if (end - off > 1) regions.push({ vma: a.at, edges });
    }
  }
  if (regions.length === 0) return null;
  const slots = opSlots(w);
  for (const [node, s] of slots) {
    if (node.op === 'read' || node.op === 'ptrace_peek') {
      const a = node.args as { at: string; off: number };
      reads.set(s.key, { vma: a.at, off: a.off });
    } else if (node.op === 'pin_read' || node.op === 'pipe_read') {
      const h = (node.op === 'pin_read' ? pins : splices).get(node.args as string);
      if (h !== undefined) reads.set(s.key, h);
    }
  }
  return {
    match(outcome, allowed) {
      const entries = outcome.split('; ');
      // For each entry, its candidate texts (itself, or its snapped variants).
      const options: string[][] = entries.map((e) => {
        const m = /^([^=]+)=ok:(.*)$/.exec(e);
        if (m === null) return [e];
        const r = reads.get(m[1]!);
        if (r === undefined) return [e];
        return snaps(m[2]!, r.off, regions.filter((g) => g.vma === r.vma)).map((b) => `${m[1]}=ok:${b}`);
      });
      let found: string | null = null;
      const walk = (i: number, acc: string[]) => {
        if (found !== null) return;
        if (i === options.length) {
          const o = acc.join('; ');
          if (o !== outcome && allowed.has(o)) found = o;
          return;
        }
        for (const x of options[i]!) walk(i + 1, [...acc, x]);
      };
      walk(0, []);
      return found;
    },
  };
}

function pagesOf(w: Workload, vma: string): number | undefined {
  for (const p of w.processes) for (const v of p.vmas) if (v.name === vma) return v.pages;
  for (const p of w.processes) for (const th of p.threads) for (const n of th.ops) if (n.op === 'mmap' && (n.args as { name: string }).name === vma) return (n.args as { pages: number }).pages;
  return undefined;
}

/** Every way of snapping the in-chunk boundaries of `0xVV*N,...` (read at `base`) onto chunk edges. */
function snaps(bytes: string, base: number, regions: Region[]): string[] {
  const runs = bytes.split(',').map((r) => {
    const [v, n] = r.split('*');
    return { v: v!, n: Number(n) };
  });
  const bounds: number[] = [];
  let at = base;
  for (const r of runs.slice(0, -1)) bounds.push((at += r.n));
  const end = base + runs.reduce((s, r) => s + r.n, 0);
  // A boundary inside pieces of several regions (a store over a DMA chunk) may snap to any of their edges.
  const choices = bounds.map((b) => {
    const to = new Set<number>();
    for (const g of regions) for (let i = 0; i + 1 < g.edges.length; i++) if (g.edges[i]! < b && b < g.edges[i + 1]!) to.add(g.edges[i]!).add(g.edges[i + 1]!);
    return to.size === 0 ? [b] : [...to].sort((x, y) => x - y);
  });
  if (choices.every((c) => c.length === 1)) return [bytes];
  const out = new Set<string>();
  const walk = (i: number, acc: number[]) => {
    if (i === choices.length) {
      out.add(render(runs.map((r) => r.v), base, acc, end));
      return;
    }
    for (const c of choices[i]!) walk(i + 1, [...acc, c]);
  };
  walk(0, []);
  return [...out];
}

/** Runs of values `vals` between boundaries (clamped so they stay ordered), merged as formatBytes does. */
function render(vals: string[], base: number, bounds: number[], end: number): string {
  const parts: { v: string; n: number }[] = [];
  let prev = base;
  for (let i = 0; i < vals.length; i++) {
    const next = i < bounds.length ? Math.max(prev, Math.min(end, bounds[i]!)) : end;
    const n = next - prev;
    if (n > 0) {
      const last = parts[parts.length - 1];
      if (last && last.v === vals[i]) last.n += n;
      else parts.push({ v: vals[i]!, n });
    }
    prev = next;
  }
  return parts.map((p) => `${p.v}*${p.n}`).join(',');
}
