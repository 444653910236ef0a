/**
 * Strings → small integers, so per-user state holds Int32 ids instead of strings.
 * Id 0 means "no value". Ids are local to one engine: snapshots store the strings.
 */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly strings: string[] = [''];
  private chars = 0;

  /** Id of s, adding it when new. */
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.ids.set(s, id);
      this.strings.push(s);
      this.chars += s.length;
    }
    return id;
  }

  /** Id of s, or 0 when never interned (read-only paths must not grow the table). */
  find(s: string): number {
    return this.ids.get(s) ?? 0;
  }

  value(id: number): string {
    return this.strings[id] ?? '';
  }

  get size(): number {
    return this.strings.length - 1;
  }

  /** Rough heap cost: string bytes + Map entry + array slot. */
  approxBytes(): number {
    return this.chars * 2 + this.size * 56;
  }
}
