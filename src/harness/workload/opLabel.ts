import { byteAt, byteRange } from '../../core/trace.js';

/**
 * What a trace shows for a user op: its name, the bytes it acts on in the unit every kernel step
 * uses (src/core/trace.ts), then the other arguments as the workload wrote them:
 * `write buf[0x0..0x800) fill=0x11`, `madvise buf[0x0..0x2000) advice=pageout`.
 *
 * An op with a length acts on a range; without `len:` it acts on the rest of the mapping, so the
 * range is printed to the mapping's end (`mappingBytes`), never as `buf+0` that reads like one byte.
 * An op without a length argument acts at one address (`kvm_fault buf+0x1000`).
 */
export function opLabel(op: string, raw: unknown, hasLength: boolean, mappingBytes: number | undefined): string {
  return `${op} ${formatArgs(raw, hasLength, mappingBytes)}`.trimEnd();
}

export function formatArgs(raw: unknown, hasLength: boolean, mappingBytes: number | undefined): string {
  if (raw === null || raw === undefined) return '';
  if (typeof raw !== 'object') return String(raw);
  const a = raw as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof a.at === 'string') {
    const off = typeof a.off === 'number' ? a.off : 0;
    if (!hasLength) parts.push(byteAt(a.at, off));
    else if (typeof a.len === 'number') parts.push(byteRange(a.at, off, off + a.len));
    else if (mappingBytes !== undefined) parts.push(byteRange(a.at, off, mappingBytes));
    else parts.push(`${a.at}[0x${off.toString(16)}..end)`);
  }
  for (const [k, v] of Object.entries(a)) {
    if (k === 'at' || k === 'off' || k === 'len') continue;
    if (k === 'fill' && typeof v === 'number') parts.push(`fill=0x${v.toString(16).padStart(2, '0').toUpperCase()}`);
    else if (k === 'as') parts.push(`as ${String(v)}`);
    else parts.push(`${k}=${Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  }
  return parts.join(' ');
}
