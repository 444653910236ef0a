/**
 * Per-tenant prevalence: for each (category, value) the first-seen second, how many of
 * the tenant's users hold the value among their usual values, and a count used only to
 * decide what to forget. Tenants are few, so a Map per tenant is fine here; the entries
 * themselves live in growable typed arrays.
 */

/**
 * Entries kept per tenant before the least used half is forgotten: a floor plus room for
 * 8 values per user, so a big tenant keeps its users' usual values and a tenant flooded
 * with one-off user agents or IP blocks stays bounded.
 */
export const TENANT_ENTRIES_FLOOR = 65_536;
export const TENANT_ENTRIES_PER_USER = 8;

export interface TenantEntryView {
  first: number;
  users: number;
  count: number;
}

export class TenantStore {
  readonly names: string[] = [];
  private readonly byName = new Map<string, number>();
  /** Users whose state row belongs to the tenant. */
  userCount: number[] = [];
  private maps: Map<number, number>[] = [];
  private capacity = 1024;
  private len = 0;
  private free: number[] = [];
  first = new Uint32Array(this.capacity);
  users = new Float32Array(this.capacity);
  count = new Float64Array(this.capacity);
  /** Bumped whenever entries are dropped or renumbered, so cached entry indices can be checked. */
  generation = 0;

  tenant(name: string): number {
    let t = this.byName.get(name);
    if (t === undefined) {
      t = this.names.length;
      this.byName.set(name, t);
      this.names.push(name);
      this.userCount.push(0);
      this.maps.push(new Map());
    }
    return t;
  }

  findTenant(name: string): number {
    return this.byName.get(name) ?? -1;
  }

  get tenants(): number {
    return this.names.length;
  }

  /** Entry index of (category, value) in tenant t, or -1. */
  find(t: number, cat: number, valueId: number): number {
    return this.maps[t].get(valueId * 16 + cat) ?? -1;
  }

  /** Entry index, creating an empty one (first = +inf) when missing. */
  upsert(t: number, cat: number, valueId: number): number {
    const m = this.maps[t];
    const key = valueId * 16 + cat;
    let e = m.get(key);
    if (e === undefined) {
      if (m.size >= this.maxEntries(t)) this.forget(t);
      e = this.allocEntry();
      m.set(key, e);
    }
    return e;
  }

  /** Calls fn for every entry of tenant t with its category and value id. */
  forEach(t: number, fn: (cat: number, valueId: number, entry: number) => void): void {
    for (const [key, e] of this.maps[t]) fn(key % 16, Math.floor(key / 16), e);
  }

  maxEntries(t: number): number {
    return TENANT_ENTRIES_FLOOR + TENANT_ENTRIES_PER_USER * this.userCount[t];
  }

  /** Renumbers value ids after the engine compacted its strings (newId 0 = drop the entry). */
  remapValues(newId: (oldId: number) => number): void {
    this.generation++;
    this.maps = this.maps.map((m) => {
      const next = new Map<number, number>();
      for (const [key, e] of m) {
        const v = newId(Math.floor(key / 16));
        if (v > 0) next.set(v * 16 + (key % 16), e);
        else this.free.push(e);
      }
      return next;
    });
  }

  /** Every value id some tenant entry refers to. */
  forEachValue(fn: (valueId: number) => void): void {
    for (const m of this.maps) for (const key of m.keys()) fn(Math.floor(key / 16));
  }

  entries(t: number): number {
    return this.maps[t].size;
  }

  approxBytes(): number {
    let entries = 0;
    for (const m of this.maps) entries += m.size;
    return this.capacity * 16 + entries * 40 + this.names.length * 200;
  }

  private allocEntry(): number {
    let e = this.free.pop();
    if (e === undefined) {
      e = this.len++;
      if (e >= this.capacity) this.grow();
    }
    this.first[e] = 0xffffffff;
    this.users[e] = 0;
    this.count[e] = 0;
    return e;
  }

  private grow(): void {
    this.capacity *= 2;
    const f = new Uint32Array(this.capacity); f.set(this.first); this.first = f;
    const u = new Float32Array(this.capacity); u.set(this.users); this.users = u;
    const c = new Float64Array(this.capacity); c.set(this.count); this.count = c;
  }

  /**
   * Bounded memory for a tenant with endless distinct values (user agents, IP blocks):
   * drop entries at or below the median count that no user currently holds.
   */
  private forget(t: number): void {
    this.generation++;
    const m = this.maps[t];
    const counts = Float64Array.from(m.values(), (e) => this.count[e]).sort();
    const cut = counts[counts.length >> 1];
    for (const [key, e] of m) {
      if (this.count[e] <= cut && this.users[e] <= 0) {
        m.delete(key);
        this.free.push(e);
      }
    }
    if (m.size >= this.maxEntries(t) * 0.75) {
      // Every value is held by someone: forget the least used anyway rather than grow.
      for (const [key, e] of m) {
        if (this.count[e] <= cut) { m.delete(key); this.free.push(e); }
      }
    }
  }
}
