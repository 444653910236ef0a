/**
 * A bounded cache that keeps recently used entries: two generations of Maps. New and
 * re-used entries go to `young`; when it is full, `young` becomes `old` and the previous
 * `old` is dropped whole. A hit in `old` is promoted. Every operation is O(1).
 *
 * Why not a Map-ordered LRU (delete + re-insert, evict the first key): evicting from
 * the front of a V8 Map leaves holes that `keys().next()` must skip, which made a full
 * 50 000-entry cache cost ~40 µs per insert. Entries used since the last rotation always
 * survive the next one; at most `capacity` entries are held.
 */
export class LruCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`cache capacity must be an integer ≥ 2, got ${capacity}`);
    this.generation = Math.floor(capacity / 2);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.set(key, o);
    }
    return o;
  }

  set(key: K, value: V): void {
    if (!this.young.has(key) && this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
