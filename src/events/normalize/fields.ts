/**
 * Reading fields out of vendor records that arrive in several spellings. Panther and
 * some SIEM exports lower-case every key (`clientip` for `ClientIP`), Sentinel tables use
 * PascalCase for Graph's camelCase. `field` tries the exact key, the lower-cased key and
 * the PascalCase key; `lowerKeys` gives detection a lower-cased copy of a record whose
 * keys are in yet another case.
 */
export type Rec = Record<string, unknown>;

export function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `o[key]`; when absent, the lower-cased key (Panther), then for a camelCase key its
 * PascalCase form (Sentinel's columns for Graph's fields: `userPrincipalName` →
 * `UserPrincipalName`). Misses on PascalCase keys (O365, the hot path) cost one lookup more.
 */
export function field(o: Rec, key: string): unknown {
  const v = o[key];
  if (v !== undefined) return v;
  const lower = o[key.toLowerCase()];
  if (lower !== undefined) return lower;
  const c = key.charCodeAt(0);
  return c >= 97 && c <= 122 ? o[String.fromCharCode(c - 32) + key.slice(1)] : undefined;
}

/** The first of `keys` present in `o` (see `field`). */
export function first(o: Rec, keys: readonly string[]): unknown {
  for (const k of keys) {
    const v = field(o, k);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

/** A nested object: `o.a.b.c` with `field` semantics at each step; undefined when any step is missing. */
export function path(o: Rec, ...keys: string[]): unknown {
  let cur: unknown = o;
  for (const k of keys) {
    if (!isRec(cur)) return undefined;
    cur = field(cur, k);
  }
  return cur;
}

/** A non-empty string, or null. Numbers become strings (ids are sometimes numeric). */
export function str(v: unknown): string | null {
  if (typeof v === 'string') return v.length > 0 ? v : null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

/** A finite number ≥ 0, or null (NaN, Infinity and negative sizes are dropped). */
export function size(v: unknown): number | null {
  const n = typeof v === 'string' && v !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

/** Object with `field` semantics, or a JSON string holding one (Sentinel stores nested objects as strings). */
export function rec(v: unknown): Rec | null {
  if (isRec(v)) return v;
  if (typeof v === 'string' && v.length > 1 && v.length < 65536 && v.charCodeAt(0) === 123 /* { */) {
    try {
      const parsed: unknown = JSON.parse(v);
      return isRec(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** Array, or a JSON string holding one. */
export function list(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' && v.length > 1 && v.length < 65536 && v.charCodeAt(0) === 91 /* [ */) {
    try {
      const parsed: unknown = JSON.parse(v);
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }
  return [];
}

/** Value of a `[{Name, Value}]` / `[{name, value}]` / `[{key, value}]` list, or of an object map. */
export function nameValue(v: unknown, name: string): unknown {
  if (isRec(v)) return field(v, name);
  const lower = name.toLowerCase();
  for (const item of list(v)) {
    if (!isRec(item)) continue;
    const n = str(first(item, ['Name', 'key']));
    if (n !== null && n.toLowerCase() === lower) {
      const val = first(item, ['Value', 'boolValue', 'intValue', 'multiValue']);
      return val;
    }
  }
  return undefined;
}

/** A copy of `o` with every top-level key lower-cased (for records in a non-canonical case). */
export function lowerKeys(o: Rec): Rec {
  const out: Rec = {};
  for (const k of Object.keys(o)) out[k.toLowerCase()] = o[k];
  return out;
}
