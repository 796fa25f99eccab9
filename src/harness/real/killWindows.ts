/**
 * A kill lands asynchronously, and the executor records an op's start and end from user space,
 * around the kernel's part: an op it reports in flight when its process was killed (`SIGKILL`) may
 * in the model have just completed (any result the model gives that op) or not yet started (no
 * entry). Found on 6.18 with a thread killed in `await` (the model's await returns when the kill
 * wakes it; the real thread never returns). Only entries that say SIGKILL vary; everything else
 * must match exactly.
 */
export function killVariants(outcome: string, allowed: ReadonlySet<string>): string[] {
  const entries = outcome.split('; ');
  if (!entries.some((e) => e.endsWith('=SIGKILL'))) return [];
  const resultsOf = new Map<string, Set<string>>();
  for (const o of allowed)
    for (const e of o.split('; ')) {
      const i = e.indexOf('=');
      const k = e.slice(0, i);
      let s = resultsOf.get(k);
      if (s === undefined) resultsOf.set(k, (s = new Set()));
      s.add(e);
    }
  const options = entries.map((e) => {
    if (!e.endsWith('=SIGKILL')) return [e];
    const key = e.slice(0, e.indexOf('='));
    return [e, '', ...(resultsOf.get(key) ?? [])];
  });
  const out: string[] = [];
  const walk = (i: number, acc: string[]) => {
    if (out.length > 256) return;
    if (i === options.length) {
      const o = acc.filter((x) => x !== '').join('; ');
      if (o !== outcome) out.push(o);
      return;
    }
    for (const x of options[i]!) walk(i + 1, [...acc, x]);
  };
  walk(0, []);
  return out;
}
