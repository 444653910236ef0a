import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Activity } from '../../src/events/activity.js';
import { ACTIVITY_COLUMNS, activityColumns, activityFrame, daysSpanned, frameHtml } from '../../src/notebook/index.js';

const base: Activity = {
  schemaVersion: 1, id: 'e1', time: Date.UTC(2026, 0, 5, 13, 30), vendor: 'o365', tenant: 't', user: 'ann@t.example',
  app: 'Exchange', action: 'login', rawAction: 'UserLoggedIn', outcome: 'success', failureReason: null, ip: '203.0.113.9',
  geo: { country: 'DE', city: 'Berlin', lat: 52.5, lon: 13.4, timeZone: 'Europe/Berlin' }, asn: 3320, asnOrg: null,
  userAgent: 'Mozilla/5.0', device: { id: null, family: 'desktop', os: null, browser: null },
  object: { type: null, id: null, name: null, external: false, bytes: null }, label: { malicious: true, scenario: 'password_spray' },
} as Activity;
const noGeo = { ...base, id: 'e2', time: base.time + 3 * 86_400_000, geo: null, asn: null, label: undefined } as unknown as Activity;

test('activity columns: one value per activity in every column, nulls where fields are missing', () => {
  const cols = activityColumns([base, noGeo]);
  assert.deepEqual(Object.keys(cols), [...ACTIVITY_COLUMNS]);
  for (const c of ACTIVITY_COLUMNS) assert.equal(cols[c].length, 2, c);
  assert.deepEqual(cols.hour_utc, [13, 13]);
  assert.deepEqual(cols.day, ['2026-01-05', '2026-01-08']);
  assert.deepEqual(cols.country, ['DE', null]);
  assert.deepEqual(cols.malicious, [true, null]);
  assert.equal(daysSpanned([base, noGeo]), 3);
  assert.equal(daysSpanned([]), 0);
});

test('the DataFrame counts missing countries as "(none)" in a group-by, and renders as an escaped HTML table', async () => {
  const df = await activityFrame([base, noGeo, { ...base, id: 'e3', user: '<b>x</b>' } as Activity]);
  assert.deepEqual(df.shape, [3, ACTIVITY_COLUMNS.length]);
  const counts = df.groupby(['country']).agg({ id: 'count' });
  const byCountry = Object.fromEntries((counts.values as unknown[][]).map((row) => [row[0], row[1]]));
  assert.deepEqual(byCountry, { DE: 2, '(none)': 1 });
  const html = frameHtml(df.loc({ columns: ['user', 'country'] }));
  assert.ok(html.includes('&lt;b&gt;x&lt;/b&gt;'));
  assert.ok(!html.includes('<th style="text-align:left"></th>'), 'a positional index is not shown');
  assert.ok(frameHtml(df.loc({ columns: ['hour_utc'] }).describe()).includes('>mean</td>'), 'a named index is shown');
});
