/**
 * IP → autonomous system from the @ip-location-db/asn range tables (RouteViews + DB-IP,
 * no network at run time). IPv4 ranges load once into sorted Uint32Arrays searched by
 * bisection; IPv6 ranges load lazily (first IPv6 lookup) keyed by the top 64 bits.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface AsnRecord { asn: number; org: string | null }

interface AsnTable<T extends Uint32Array | BigUint64Array> {
  starts: T;
  ends: T;
  asns: Uint32Array;
  /** Index into `orgs` per range; organisation names are shared between ranges. */
  orgIndex: Uint32Array;
  orgs: string[];
}

function packageDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
}

/** Splits one CSV line of `start,end,asn,org` where org may be double-quoted with `""` escapes. */
function splitLine(line: string): [string, string, string, string] | null {
  const a = line.indexOf(',');
  const b = line.indexOf(',', a + 1);
  const c = line.indexOf(',', b + 1);
  if (a < 0 || b < 0 || c < 0) return null;
  let org = line.slice(c + 1);
  if (org.startsWith('"') && org.endsWith('"')) org = org.slice(1, -1).replace(/""/g, '"');
  return [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1, c), org];
}

function loadTable<T extends Uint32Array | BigUint64Array>(
  file: string,
  make: (n: number) => T,
  parseBound: (s: string, isEnd: boolean) => number | bigint,
): AsnTable<T> {
  const text = readFileSync(join(packageDir(), file), 'utf8');
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  count++;
  const starts = make(count);
  const ends = make(count);
  const asns = new Uint32Array(count);
  const orgIndex = new Uint32Array(count);
  const orgs: string[] = [];
  const orgIds = new Map<string, number>();
  let n = 0;
  let pos = 0;
  while (pos < text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    const fields = splitLine(text.slice(pos, eol).trimEnd());
    pos = eol + 1;
    if (!fields) continue;
    const [s, e, asn, org] = fields;
    let id = orgIds.get(org);
    if (id === undefined) {
      id = orgs.length;
      orgs.push(org);
      orgIds.set(org, id);
    }
    (starts as unknown as (number | bigint)[])[n] = parseBound(s, false);
    (ends as unknown as (number | bigint)[])[n] = parseBound(e, true);
    asns[n] = Number(asn);
    orgIndex[n] = id;
    n++;
  }
  return { starts: starts.subarray(0, n) as T, ends: ends.subarray(0, n) as T, asns: asns.subarray(0, n), orgIndex: orgIndex.subarray(0, n), orgs };
}

/** Index of the last range whose start ≤ key, or -1. Works on both array kinds. */
function bisect<K extends number | bigint>(starts: ArrayLike<K>, key: K): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] <= key) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

let v4: AsnTable<Uint32Array> | null = null;
let v6: AsnTable<BigUint64Array> | null = null;

/** Loads the IPv4 table now (≈ 0.3 s, ≈ 10 MB) so the first lookup does not pay for it. */
export function loadAsnV4(): void {
  v4 ??= loadTable('asn-ipv4-num.csv', (n) => new Uint32Array(n), (s) => Number(s));
}

const MASK64 = (1n << 64n) - 1n;

function loadAsnV6(): AsnTable<BigUint64Array> {
  // Ranges are whole prefixes of at most /64 in practice, so the top 64 bits place an address.
  v6 ??= loadTable('asn-ipv6-num.csv', (n) => new BigUint64Array(n), (s) => (BigInt(s) >> 64n) & MASK64);
  return v6;
}

export function asnOfIpv4(n: number): AsnRecord | null {
  loadAsnV4();
  const t = v4!;
  const i = bisect(t.starts, n);
  if (i < 0 || n > t.ends[i]) return null;
  return { asn: t.asns[i], org: t.orgs[t.orgIndex[i]] || null };
}

export function asnOfIpv6(high64: bigint): AsnRecord | null {
  const t = loadAsnV6();
  const i = bisect(t.starts, high64);
  if (i < 0 || high64 > t.ends[i]) return null;
  return { asn: t.asns[i], org: t.orgs[t.orgIndex[i]] || null };
}
