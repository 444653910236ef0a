/**
 * Malformed input for the fuzz tests, as fast-check arbitraries. Most cases start from a
 * REAL vendor record (test/fixtures/vendors) or a valid Activity and break one thing —
 * so they get past format detection and reach the field readers, where real damage
 * lives — and the rest is junk from scratch: invalid JSON, wrong types, huge fields,
 * deep nesting, odd unicode, absurd timestamps and prototype-pollution keys.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { activity } from '../serving/fixtures.js';

const FIXTURES = 'test/fixtures/vendors';

function ndjsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return ndjsonFiles(p);
    return name.endsWith('.ndjson') ? [p] : [];
  });
}

/** A few real records per vendor file (the panther fixtures wrap them in `log` or `event`). */
function loadSeeds(): string[] {
  const seeds: string[] = [];
  for (const file of ndjsonFiles(FIXTURES).sort()) {
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
    for (const line of lines.slice(0, 3)) {
      const wrapper = JSON.parse(line) as { log?: unknown; event?: unknown };
      const record = wrapper.log ?? wrapper.event;
      if (record && typeof record === 'object') seeds.push(JSON.stringify(record));
    }
  }
  if (seeds.length < 10) throw new Error(`only ${seeds.length} vendor seed records under ${FIXTURES}`);
  return seeds;
}

export const VENDOR_SEEDS: readonly string[] = loadSeeds();
export const ACTIVITY_SEEDS: readonly string[] = Array.from({ length: 8 }, (_, i) => JSON.stringify(activity(i, 41 + i)));

const POLLUTION = '"__proto__":{"polluted":"yes","isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}},';

/** Strings that have broken parsers, loggers and terminals. */
const oddUnicode = fc.constantFrom(
  '\u0000', '\uD800', '\uDFFF', 'a\uD83D', '\u202Eevil', '\uFEFFbom', 'ｕｓｅｒ＠ａｃｍｅ', 'İstanbul', 'ß', 'a\u0301\u0301\u0301', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', '\r\n\t\u2028\u2029', '💥'.repeat(500),
  '%s%n%x', '${jndi:ldap://x}', '<script>alert(1)</script>', "'; DROP TABLE users; --", '../../../../etc/passwd',
);
const hugeString = fc.integer({ min: 70_000, max: 300_000 }).map((n) => 'A'.repeat(n));
/** Event times that are not times, or times no real event has. */
const badTime = fc.oneof(
  fc.constantFrom(0, -1, 1, 8.64e15, -8.64e15, 1e21, 8.640000000000001e21, 1e30, Number.MAX_VALUE, '8640000000000000001', 253402300800000, 946684799999, '0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z',
    '2026-13-45T99:99:99Z', '2099-01-01T00:00:00Z', '1970-01-01T00:00:00Z', 'yesterday', '', 'NaN', '1e400', '  2026-01-01  '),
  fc.integer(), fc.double(),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
);
function nested(depth: number, array: boolean): unknown {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = array ? [v] : { a: v };
  return v;
}
const deep = fc.tuple(fc.integer({ min: 30, max: 3000 }), fc.boolean()).map(([d, a]) => nested(d, a));

/** A value to put where a field was. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: false, withSparseArray: true }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 2 },
  { arbitrary: oddUnicode, weight: 2 },
  { arbitrary: badTime, weight: 3 },
  { arbitrary: deep, weight: 1 },
  { arbitrary: hugeString, weight: 1 },
  { arbitrary: fc.constantFrom(null, true, false, [], {}, -0, Number.MAX_VALUE, 1e308, '0', 'null', 'undefined'), weight: 2 },
);

/** Paths of an object down to `depth` (where a mutation can land). */
function paths(v: unknown, depth: number, prefix: string[] = []): string[][] {
  if (depth === 0 || v === null || typeof v !== 'object') return [];
  return Object.keys(v).flatMap((k) => [[...prefix, k], ...paths((v as Record<string, unknown>)[k], depth - 1, [...prefix, k])]);
}

type Mutation = 'replace' | 'delete' | 'pollute' | 'wrap';

/** One seed with one thing broken, as JSON text. */
function mutate(seedText: string, pick: number, how: Mutation, value: unknown): string {
  const record = JSON.parse(seedText) as Record<string, unknown>;
  const all = paths(record, 3);
  const target = all[pick % Math.max(1, all.length)];
  if ((how === 'replace' || how === 'delete') && target) {
    let parent: Record<string, unknown> = record;
    for (const k of target.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
    const key = target[target.length - 1];
    if (how === 'delete') delete parent[key];
    else parent[key] = value;
  }
  let text: string;
  try {
    text = JSON.stringify(how === 'wrap' ? { records: [record, value], value: record } : record) ?? 'null';
  } catch {
    text = seedText.replace(/"[^"]*"\s*:\s*"[^"]*"/, '"x": "too deep to serialise"');
  }
  // JSON.parse turns a "__proto__" key into an OWN property: exactly what an attacker sends.
  return how === 'pollute' ? text.replace(/^\{/, `{${POLLUTION}`) : text;
}

function mutatedFrom(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(seeds.length - 1), fc.nat(), fc.constantFrom<Mutation>('replace', 'replace', 'replace', 'delete', 'pollute', 'wrap'), junkValue)
    .map(([s, pick, how, value]) => mutate(seeds[s], pick, how, value));
}

/** Text that is broken as text: truncated, corrupted, not JSON, absurdly deep or large. */
function brokenText(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(fc.nat(seeds.length - 1), fc.double({ min: 0, max: 1, noNaN: true })).map(([s, f]) => seeds[s].slice(0, Math.floor(seeds[s].length * f))),
    fc.tuple(fc.nat(seeds.length - 1), fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }))
      .map(([s, at, junk]) => { const t = seeds[s]; const i = at % t.length; return t.slice(0, i) + junk + t.slice(i + 1); }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.constantFrom('', ' ', 'null', 'true', '0', '[]', '{}', '""', '[{}]', '{"a":NaN}', '{"time":Infinity}', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', '\uFEFF{}', '{"__proto__":{"polluted":"yes"}}'),
    fc.integer({ min: 10, max: 100_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
    fc.integer({ min: 10, max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
    fc.integer({ min: 1, max: 3 }).map((n) => `{"user":"${'u'.repeat(n * 1024 * 1024)}"}`),
  );
}

/** Malformed vendor records as text (the stream's and the normalisers' input). */
export const malformedRecordText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: mutatedFrom(VENDOR_SEEDS), weight: 6 },
  { arbitrary: mutatedFrom(ACTIVITY_SEEDS), weight: 2 },
  { arbitrary: brokenText([...VENDOR_SEEDS, ...ACTIVITY_SEEDS]), weight: 3 },
);

/** Malformed Activities (for POST /v1/score, whose body is the Activity schema). */
export const malformedActivityText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: mutatedFrom(ACTIVITY_SEEDS), weight: 6 },
  { arbitrary: brokenText(ACTIVITY_SEEDS), weight: 2 },
  { arbitrary: mutatedFrom(ACTIVITY_SEEDS).map((t) => `{"events":[${t},${t}]}`), weight: 1 },
);

/** True when a JSON.parse'd key wrote through to a prototype somewhere. */
export function prototypePolluted(): boolean {
  const probe = {} as Record<string, unknown>;
  return probe.polluted !== undefined || probe.isAdmin !== undefined || (Object.prototype as Record<string, unknown>).polluted !== undefined;
}

/**
 * Activities that pass the schema with extreme values in every field the features read
 * (edge times, poles and antimeridian, 1e308 bytes, odd zones and agents): the scoring
 * pipeline, not the validator, is what they test.
 */
export const extremeValidActivity: fc.Arbitrary<string> = fc.record({
  u: fc.nat(7),
  time: fc.oneof(fc.constantFrom(Date.UTC(2000, 0, 1), Date.UTC(2026, 10, 22, 23, 59, 59)), fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2026, 10, 22) })),
  lat: fc.oneof(fc.constantFrom(-90, 90, 0, null), fc.double({ min: -90, max: 90, noNaN: true })),
  lon: fc.oneof(fc.constantFrom(-180, 180, 0, null), fc.double({ min: -180, max: 180, noNaN: true })),
  timeZone: fc.constantFrom('Europe/Berlin', 'Not/AZone', '', 'UTC', 'Etc/GMT+14', 'Pacific/Kiritimati', null),
  bytes: fc.constantFrom(0, 1e308, Number.MAX_SAFE_INTEGER, null),
  asn: fc.constantFrom(0, 4294967295, Number.MAX_SAFE_INTEGER, null),
  text: fc.oneof(oddUnicode, fc.string({ unit: 'binary', maxLength: 50 })),
  ip: fc.constantFrom('::', '0.0.0.0', '255.255.255.255', '::ffff:1.2.3.4', 'fe80::1%eth0', 'not-an-ip', null),
}).map(({ u, time, lat, lon, timeZone, bytes, asn, text, ip }) => JSON.stringify({
  ...activity(u, 50),
  time, ip, asn, asnOrg: text, userAgent: text, app: text || 'x', rawAction: text || 'x',
  geo: { country: 'ZZ', city: text, lat, lon, timeZone },
  device: { id: text, family: text, os: null, browser: text },
  object: { type: 'file', id: text, name: text, external: true, bytes },
}));
