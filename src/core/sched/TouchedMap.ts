import type { FootprintLog } from './Footprint.js';
import { READ, WRITE } from './Access.js';

/**
 * A Map shared between tasks whose lookups and updates are logged in the running step's footprint,
 * one object per key (`objOf`, a stable object number: the same key names the same object in every
 * execution). A lookup that finds nothing reads the key as much as one that finds something: the
 * step that later inserts it must stay ordered after the lookup.
 *
 * Iteration is not logged: iterate only where something else orders the iterator with every
 * writer (a lock both hold, or the end of the run).
 */
export class TouchedMap<K, V> extends Map<K, V> {
  constructor(
    private readonly fp: () => FootprintLog | null,
    private readonly objOf: (key: K) => number,
  ) {
    super();
  }

  private touch(key: K, write: boolean): void {
    const fp = this.fp();
    if (fp !== null) fp.touch(this.objOf(key) * 4 + (write ? WRITE : READ));
  }

  override get(key: K): V | undefined {
    this.touch(key, false);
    return super.get(key);
  }

  override has(key: K): boolean {
    this.touch(key, false);
    return super.has(key);
  }

  override set(key: K, value: V): this {
    // Map's constructor calls set() before the fields exist.
    if (this.objOf !== undefined) this.touch(key, true);
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    this.touch(key, true);
    return super.delete(key);
  }
}
