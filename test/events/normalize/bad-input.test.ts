/**
 * Hostile and broken input: each bad record becomes a rejection with its reason (or an
 * Activity with the bad field dropped, as documented in src/events/normalize/index.ts),
 * and the records around it are still processed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeRecord, normalizeRecordText, normalizeText, type Rejection } from '../../../src/events/normalize/index.js';

const NOW = Date.UTC(2025, 5, 1, 12);

/** A valid O365 sign-in; tests change one field at a time. */
function signIn(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    CreationTime: '2025-05-30T08:00:00', Id: 'id-1', Operation: 'UserLoggedIn', OrganizationId: 'org-1', RecordType: 15,
    ResultStatus: 'Success', UserId: 'Alice@Contoso.com', Workload: 'AzureActiveDirectory', ClientIP: '203.0.113.7',
    ...overrides,
  };
}

function line(o: unknown): string {
  return JSON.stringify(o);
}

function only(rejections: Rejection[]): Rejection {
  assert.equal(rejections.length, 1);
  return rejections[0];
}

describe('bad records in an NDJSON file', () => {
  const lines = [
    line(signIn({ Id: 'good-1' })),
    '{"CreationTime":"2025-05-30T08:00:00","Id":"trunc","Operation":"UserLogg', // truncated JSON
    'this is not json at all',
    line({ hello: 'world' }), // no vendor's keys
    line(signIn({ Id: 'no-user', UserId: undefined })),
    line(signIn({ Id: 'no-time', CreationTime: undefined })),
    line(signIn({ Id: 'old', CreationTime: '1999-12-31T23:59:59Z' })),
    line(signIn({ Id: 'future', CreationTime: '2025-06-05T00:00:00Z' })),
    '{"CreationTime":"2025-05-30T08:00:00","Id":"nan","Operation":"UserLoggedIn","Workload":"Exchange","UserId":"a@b.c","Size":NaN}',
    '{"CreationTime":"2025-05-30T08:00:00","Id":"inf","Operation":"UserLoggedIn","Workload":"Exchange","UserId":"a@b.c","Size":Infinity}',
    `{"deep":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    line(signIn({ Id: 'good-2' })),
  ];
  const res = normalizeText(lines.join('\n'), { now: NOW });
  const byLine = new Map(res.rejections.map((r) => [r.line, r]));

  it('keeps the good records on both sides of the bad ones', () => {
    assert.deepEqual(res.activities.map((a) => a.id), ['good-1', 'good-2']);
    assert.equal(res.rejections.length, lines.length - 2);
  });

  it('gives each bad line its reason, line number and raw text', () => {
    const expected: [number, Rejection['reason']][] = [
      [2, 'invalid_json'], [3, 'invalid_json'], [4, 'unknown_vendor'], [5, 'missing_user'], [6, 'missing_time'],
      [7, 'time_out_of_range'], [8, 'time_out_of_range'], [9, 'invalid_json'], [10, 'invalid_json'], [11, 'too_deep'],
    ];
    for (const [n, reason] of expected) {
      const r = byLine.get(n);
      assert.ok(r, `no rejection for line ${n}`);
      assert.equal(r.reason, reason, `line ${n}`);
      assert.equal(r.raw, lines[n - 1].slice(0, 64 * 1024));
    }
    assert.equal(byLine.get(5)?.vendor, 'o365');
  });
});

describe('oversized fields', () => {
  const mb = 'x'.repeat(1024 * 1024);

  it('a 1 MB user is rejected (field_too_large); raw is truncated to 64 KiB', () => {
    const r = only(normalizeRecord(signIn({ UserId: mb }), { now: NOW }).rejections);
    assert.equal(r.reason, 'field_too_large');
    assert.equal(r.raw.length, 64 * 1024);
  });

  it('a 1 MB user agent is dropped, the Activity kept', () => {
    const res = normalizeRecord(signIn({ UserAgent: mb }), { now: NOW });
    assert.equal(res.activities.length, 1);
    assert.equal(res.activities[0].userAgent, null);
  });

  it('a record whose text is over 1 MiB is rejected unread (record_too_large)', () => {
    const text = line(signIn({ Junk: `${mb}${mb}` }));
    assert.equal(only(normalizeRecordText(text, { now: NOW }).rejections).reason, 'record_too_large');
  });

  it('a 1 MB field the normaliser does not read costs nothing and changes nothing', () => {
    const res = normalizeRecordText(line(signIn({ Junk: mb.slice(0, 900_000) })), { now: NOW });
    assert.equal(res.activities.length, 1);
    assert.equal(res.activities[0].user, 'alice@contoso.com');
  });
});

describe('fields dropped, Activity kept', () => {
  it('an invalid IP becomes null', () => {
    for (const ip of ['999.1.1.1', 'not-an-ip', 'ec2.amazonaws.com', '1.2.3', '']) {
      const res = normalizeRecord(signIn({ ClientIP: ip }), { now: NOW });
      assert.equal(res.activities.length, 1, ip);
      assert.equal(res.activities[0].ip, null, ip);
    }
  });

  it('ports, brackets and IPv4-mapped IPv6 are stripped', () => {
    const cases: [string, string][] = [['203.0.113.7:51234', '203.0.113.7'], ['[2001:DB8::1]:443', '2001:db8::1'], ['::ffff:198.51.100.9', '198.51.100.9'], ['2001:db8::2', '2001:db8::2']];
    for (const [raw, clean] of cases) assert.equal(normalizeRecord(signIn({ ClientIP: raw }), { now: NOW }).activities[0].ip, clean);
  });

  it('NaN / Infinity / negative sizes in an object record become null bytes', () => {
    for (const bad of [NaN, Infinity, -5]) {
      const res = normalizeRecord({ ...signIn({ Operation: 'FileDownloaded', Workload: 'SharePoint', ObjectId: 'https://x/f.docx' }), FileSizeBytes: bad }, { now: NOW });
      assert.equal(res.activities[0].object?.bytes, null);
    }
  });

  it('a NaN time in an object record is rejected (invalid_time)', () => {
    assert.equal(only(normalizeRecord(signIn({ CreationTime: NaN }), { now: NOW }).rejections).reason, 'invalid_time');
  });
});

describe('records that are not records', () => {
  it('numbers, strings and null are rejected as not_an_object', () => {
    const res = normalizeText('[1, "two", null, {"Records": []}]', { now: NOW });
    assert.deepEqual(res.rejections.map((r) => r.reason), ['not_an_object', 'not_an_object', 'not_an_object']);
  });

  it('a forced --format reads a record whose keys detection does not know', () => {
    const rec = { date_create: 1717000000, action: 'user_login', actor: { user: { email: 'x@y.z' } } };
    assert.equal(normalizeRecord({ id: 'slack-1', ...rec, context: undefined }, { now: NOW, format: 'slack' }).activities[0]?.action, 'login');
  });

  it('activity input is validated against the schema', () => {
    const good = normalizeRecord(signIn(), { now: NOW }).activities[0];
    assert.equal(normalizeRecord({ ...good }, { now: NOW }).activities.length, 1);
    const bad = normalizeRecord({ ...good, action: 'teleport' }, { now: NOW, format: 'activity' });
    assert.equal(only(bad.rejections).reason, 'invalid_activity');
  });
});

describe('key case', () => {
  it('lower-cased (Panther) and PascalCase (Sentinel) keys are read; p_* keys ignored', () => {
    const lower = Object.fromEntries(Object.entries(signIn()).map(([k, v]) => [k.toLowerCase(), v]));
    const a = normalizeRecord({ ...lower, p_log_type: 'Microsoft365.Audit', p_event_time: '2020-01-01' }, { now: NOW }).activities[0];
    assert.equal(a.user, 'alice@contoso.com');
    assert.equal(a.time, Date.UTC(2025, 4, 30, 8));
    const sentinel = { TimeGenerated: '2025-05-30T09:00:00Z', UserPrincipalName: 'Bob@Contoso.com', CreatedDateTime: '2025-05-30T08:59:00Z', AppDisplayName: 'Teams', IPAddress: '198.51.100.4', ResultType: '50126', Type: 'SigninLogs', Id: 's-1' };
    const b = normalizeRecord(sentinel, { now: NOW }).activities[0];
    assert.equal(b.vendor, 'entra');
    assert.equal(b.user, 'bob@contoso.com');
    assert.equal(b.action, 'login_failed');
    assert.equal(b.failureReason, '50126');
  });
});

describe('nesting through envelopes and wrappers', () => {
  it('arrays of arrays of … records are refused past a few levels, without recursion blow-up', () => {
    let v: unknown = { Records: [] };
    for (let i = 0; i < 100_000; i++) v = [v];
    const r = only(normalizeRecord(v, { now: NOW }).rejections);
    assert.equal(r.reason, 'too_deep');
    // Its raw text cannot be serialised (too deep for JSON.stringify): the rejection says so instead of throwing.
    assert.ok(r.raw.length > 0);
  });

  it('two envelopes deep is real input (NDJSON of pages) and is read', () => {
    const rec = { ...signIn({ Id: 'nested' }) };
    assert.deepEqual(normalizeRecord([{ value: [rec] }], { now: NOW }).activities.map((a) => a.id), ['nested']);
  });
});
