import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FEATURE_SPEC, FeatureEngine, featureIndex, type FeatureEngineStats } from '../../src/features/index.js';
import { activity, bareActivity, DAY, HOUR, LONDON, NEW_YORK, SYDNEY, T0 } from './fixtures.js';

const f = (name: string) => featureIndex(name);

function features(engine: FeatureEngine, a: Parameters<FeatureEngine['extract']>[0]): Float32Array {
  const out = new Float32Array(engine.dim);
  engine.extract(a, out);
  return out;
}

function assertFinite(out: Float32Array): void {
  out.forEach((v, i) => assert.ok(Number.isFinite(v), `${FEATURE_SPEC.features[i].name} = ${v}`));
}

describe('FeatureEngine: prevalence', () => {
  it('flags a first-time country and stops flagging it once learned', () => {
    const e = new FeatureEngine();
    for (let i = 0; i < 5; i++) e.learn(activity({ time: T0 + i * HOUR }));
    const paris = activity({ time: T0 + 6 * HOUR, geo: { country: 'FR', city: 'Paris', lat: 48.8566, lon: 2.3522, timeZone: 'Europe/Paris' } });
    assert.equal(features(e, paris)[f('user_country_first_time')], 1);
    assert.equal(features(e, paris)[f('user_country_seen_count')], 0);
    const london = features(e, activity({ time: T0 + 6 * HOUR }));
    assert.equal(london[f('user_country_first_time')], 0);
    assert.equal(london[f('user_country_seen_count')], 5);
    assert.equal(london[f('user_country_share')], 1);
    e.learn(paris);
    const again = features(e, activity({ ...paris, time: T0 + 7 * HOUR }));
    assert.equal(again[f('user_country_first_time')], 0);
    assert.equal(again[f('user_country_seen_count')], 1);
    assert.ok(Math.abs(again[f('user_country_share')] - 1 / 6) < 1e-6);
  });

  it('judges first-time by event time, so a late event before the first sighting is still first-time', () => {
    const e = new FeatureEngine();
    e.learn(activity({ time: T0 + 10 * HOUR, geo: { ...SYDNEY } }));
    const earlier = features(e, activity({ time: T0 + 2 * HOUR, geo: { ...SYDNEY } }));
    assert.equal(earlier[f('user_country_first_time')], 1);
    assert.equal(earlier[f('tenant_country_first_time')], 1);
    const later = features(e, activity({ time: T0 + 12 * HOUR, geo: { ...SYDNEY } }));
    assert.equal(later[f('user_country_first_time')], 0);
    assert.ok(Math.abs(later[f('user_country_days_since_first')] - 2 / 24) < 1e-4);
  });

  it('does not treat a browser update as a new user agent, but does a new tool', () => {
    const e = new FeatureEngine();
    e.learn(activity({ userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/120.0.6099.71 Safari/537.36' }));
    const updated = features(e, activity({ time: T0 + DAY, userAgent: 'Mozilla/5.0 (Windows NT 10.0) Chrome/121.0.6167.85 Safari/537.36' }));
    assert.equal(updated[f('user_user_agent_first_time')], 0);
    const tool = features(e, activity({ time: T0 + DAY, userAgent: 'python-requests/2.31.0' }));
    assert.equal(tool[f('user_user_agent_first_time')], 1);
  });

  it('counts the peers of the tenant that use a value', () => {
    const e = new FeatureEngine();
    for (const user of ['a@x', 'b@x', 'c@x']) e.learn(activity({ user, tenant: 'x', time: T0 }));
    e.learn(activity({ user: 'd@x', tenant: 'x', time: T0, geo: { ...SYDNEY } }));
    const out = features(e, activity({ user: 'a@x', tenant: 'x', time: T0 + HOUR, geo: { ...SYDNEY } }));
    assert.equal(out[f('tenant_country_peer_users')], 1); // only d
    assert.ok(Math.abs(out[f('tenant_country_peer_share')] - 1 / 3) < 1e-6);
    const usual = features(e, activity({ user: 'a@x', tenant: 'x', time: T0 + HOUR }));
    assert.equal(usual[f('tenant_country_peer_users')], 2); // b and c, not a herself
  });

  it('keeps per-user state bounded: a flood of distinct values evicts rare ones and the string table is compacted', () => {
    const e = new FeatureEngine();
    const before = (s: FeatureEngineStats) => s.approxBytes;
    for (let i = 0; i < 1000; i++) e.learn(activity({ time: T0 + i * 1000 }));
    const small = before(e.stats());
    for (let i = 0; i < 300_000; i++) {
      e.learn(activity({ time: T0 + 1_000_000 + i * 1000, userAgent: `agent-${i}`, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, geo: null }));
    }
    const s = e.stats();
    assert.equal(s.users, 1);
    assert.ok(s.internedValues < 300_000, `interned ${s.internedValues}`);
    assert.ok(s.approxBytes < small + 64 * 1024 * 1024, `${s.approxBytes} bytes`);
    // The user's usual device is still known after the flood.
    assert.equal(features(e, activity({ time: T0 + 400_000_000, geo: null }))[f('user_device_first_time')], 0);
  });
});

describe('FeatureEngine: missing inputs', () => {
  it('encodes an event with no geo, IP, device, agent or object as flags + neutral values, never NaN', () => {
    const e = new FeatureEngine();
    const fresh = features(e, bareActivity());
    assertFinite(fresh);
    for (const c of ['country', 'city', 'asn', 'device', 'user_agent', 'app', 'ip24']) assert.equal(fresh[f(`${c}_missing`)], 1, c);
    assert.equal(fresh[f('action_missing')], 0);
    assert.equal(fresh[f('location_missing')], 1);
    assert.equal(fresh[f('timezone_missing')], 1);
    for (let i = 0; i < 30; i++) e.learn(activity({ time: T0 + i * HOUR }));
    e.learn(bareActivity({ time: T0 + 31 * HOUR }));
    const known = features(e, bareActivity({ time: T0 + 32 * HOUR }));
    assertFinite(known);
    assert.equal(known[f('timezone_from_profile')], 1, 'falls back to the user\'s usual zone');
    assert.equal(known[f('new_user')], 0);
  });

  it('survives a time zone the runtime does not know', () => {
    const e = new FeatureEngine();
    const out = new Float32Array(e.dim);
    e.process(activity({ geo: { ...LONDON, timeZone: 'Mars/Olympus_Mons' } }), out);
    assertFinite(out);
    assert.equal(out[f('timezone_missing')], 1);
  });

  it('with a clock, does not let an event stamped far in the future push the windows', () => {
    const e = new FeatureEngine({ now: () => T0 + 10 * HOUR });
    e.learn(activity({ time: T0 + 365 * DAY })); // a broken clock upstream
    e.learn(activity({ time: T0 + 9 * HOUR }));
    const out = features(e, activity({ time: T0 + 9 * HOUR + 60_000 }));
    assert.equal(out[f('events_1h')], 2);
    assert.equal(e.stats().tooLate, 0);
  });

  it('treats a private IP as not located', () => {
    const e = new FeatureEngine();
    const out = features(e, activity({ ip: '10.0.0.5', geo: { country: null, city: null, lat: null, lon: null, timeZone: null, privateIp: true } }));
    assert.equal(out[f('private_ip')], 1);
    assert.equal(out[f('location_missing')], 1);
    assertFinite(out);
  });
});

describe('FeatureEngine: time and travel', () => {
  it('uses the location\'s zone across a DST change', () => {
    const e = new FeatureEngine();
    // Europe/London moves to BST at 2026-03-29 01:00 UTC.
    assert.equal(features(e, activity({ time: Date.UTC(2026, 2, 29, 0, 30) }))[f('local_hour')], 0);
    assert.equal(features(e, activity({ time: Date.UTC(2026, 2, 29, 1, 30) }))[f('local_hour')], 2);
    const ny = features(e, activity({ time: Date.UTC(2026, 2, 29, 1, 30), geo: { ...NEW_YORK } }));
    assert.equal(ny[f('local_hour')], 21);
    assert.equal(ny[f('weekday')], 6);
    assert.equal(ny[f('weekend')], 1);
  });

  it('scores an unusual hour higher than the usual one', () => {
    const e = new FeatureEngine();
    for (let d = 0; d < 20; d++) e.learn(activity({ time: T0 + d * DAY })); // 09:00 UTC = 09:00 London in March
    const usual = features(e, activity({ time: T0 + 20 * DAY }));
    const night = features(e, activity({ time: T0 + 20 * DAY + 17 * HOUR }));
    assert.equal(usual[f('hour_unusual')], 0);
    assert.equal(night[f('hour_unusual')], 1);
    assert.ok(usual[f('hour_share')] > night[f('hour_share')]);
  });

  it('flags London → Sydney in two hours as impossible travel, and London → New York in 10 hours not', () => {
    const e = new FeatureEngine();
    e.learn(activity({ time: T0 }));
    const sydney = features(e, activity({ time: T0 + 2 * HOUR, geo: { ...SYDNEY } }));
    assert.ok(sydney[f('prev_location_km')] > 16_000 && sydney[f('prev_location_km')] < 17_500);
    assert.ok(sydney[f('travel_speed_kmh')] > 8000);
    assert.equal(sydney[f('impossible_travel')], 1);
    const ny = features(e, activity({ time: T0 + 10 * HOUR, geo: { ...NEW_YORK } }));
    assert.equal(ny[f('impossible_travel')], 0);
    assert.ok(ny[f('travel_speed_kmh')] < 900);
  });

  it('compares a late event with its real predecessor in event time', () => {
    const e = new FeatureEngine();
    e.learn(activity({ time: T0, geo: { ...LONDON } }));
    e.learn(activity({ time: T0 + 20 * HOUR, geo: { ...SYDNEY } }));
    // Arrives after the Sydney event but happened one hour after London.
    const late = features(e, activity({ time: T0 + HOUR, geo: { ...LONDON } }));
    assert.ok(late[f('prev_location_km')] < 1);
    assert.equal(late[f('impossible_travel')], 0);
    assert.equal(late[f('hours_since_prev_location')], 1);
  });

  it('measures distance from the user\'s usual cities', () => {
    const e = new FeatureEngine();
    for (let i = 0; i < 10; i++) e.learn(activity({ time: T0 + i * DAY }));
    const home = features(e, activity({ time: T0 + 11 * DAY }));
    assert.equal(home[f('usual_location_unknown')], 0);
    assert.ok(home[f('usual_location_km')] < 1);
    const away = features(e, activity({ time: T0 + 11 * DAY, geo: { ...NEW_YORK } }));
    assert.ok(away[f('usual_location_km')] > 5000);
  });
});

describe('FeatureEngine: rates and lateness', () => {
  it('counts a late event in its own hour bucket', () => {
    const e = new FeatureEngine();
    for (let i = 0; i < 20; i++) e.learn(activity({ time: T0 + i * HOUR + 60_000 }));
    const probe = activity({ time: T0 + 2 * HOUR + 120_000, action: 'file_download', object: { type: 'file', id: 'f1', name: 'a.docx', external: false, bytes: 1000 } });
    const before = features(e, probe);
    e.learn({ ...probe, id: 'late-1', time: T0 + 2 * HOUR + 90_000 }); // 18 h late, same hour as probe
    const after = features(e, probe);
    assert.equal(after[f('events_1h')], before[f('events_1h')] + 1);
    assert.equal(after[f('downloads_1h')], before[f('downloads_1h')] + 1);
    assert.equal(after[f('bytes_1h')], before[f('bytes_1h')] + 1000);
    assert.equal(e.stats().tooLate, 0);
  });

  it('scores but does not bucket an event older than the lateness bound, and counts it', () => {
    const e = new FeatureEngine();
    for (let i = 0; i < 72; i++) e.learn(activity({ time: T0 + i * HOUR }));
    const old = activity({ time: T0 - 5 * DAY });
    const out = new Float32Array(e.dim);
    e.process(old, out);
    assertFinite(out);
    assert.equal(e.stats().tooLate, 1);
    assert.equal(out[f('dormancy_hours')], 0, 'nothing earlier is known');
  });

  it('raises the z-score of a burst against the user\'s own baseline', () => {
    const e = new FeatureEngine();
    for (let h = 0; h < 10 * 24; h++) e.learn(activity({ time: T0 + h * HOUR + 1000, action: 'file_download', object: { type: 'file', id: `f${h}`, name: null, external: false, bytes: 10_000 } }));
    const normal = features(e, activity({ time: T0 + 240 * HOUR + 5000, action: 'file_download', object: { type: 'file', id: 'n', name: null, external: false, bytes: 10_000 } }));
    for (let i = 0; i < 200; i++) e.learn(activity({ time: T0 + 241 * HOUR + i * 1000, action: 'file_download', object: { type: 'file', id: `burst-${i}`, name: null, external: false, bytes: 10_000_000 } }));
    const burst = features(e, activity({ time: T0 + 241 * HOUR + 300_000, action: 'file_download', object: { type: 'file', id: 'x', name: null, external: false, bytes: 10_000_000 } }));
    assert.equal(normal[f('baseline_missing')], 0);
    assert.ok(Math.abs(normal[f('downloads_1h_z')]) < 1.5, `normal z ${normal[f('downloads_1h_z')]}`);
    assert.ok(burst[f('downloads_1h_z')] > normal[f('downloads_1h_z')] + 3, `burst z ${burst[f('downloads_1h_z')]}`);
    assert.ok(burst[f('bytes_24h_ratio')] > 5 * normal[f('bytes_24h_ratio')]);
    assert.ok(burst[f('distinct_objects_1h')] > 50);
    assert.equal(burst[f('downloads_1h')], 201);
  });

  it('reports dormancy in hours since the previous event', () => {
    const e = new FeatureEngine();
    e.learn(activity({ time: T0 }));
    assert.equal(features(e, activity({ time: T0 + 30 * DAY }))[f('dormancy_hours')], 720);
  });

  it('marks sensitive actions and whether this user did them before', () => {
    const e = new FeatureEngine();
    const first = features(e, activity({ action: 'mail_forward_rule' }));
    assert.equal(first[f('sensitive_action')], 1);
    assert.equal(first[f('sensitive_first_time')], 1);
    e.learn(activity({ action: 'mail_forward_rule', time: T0 - HOUR }));
    const second = features(e, activity({ action: 'mail_forward_rule' }));
    assert.equal(second[f('sensitive_first_time')], 0);
    assert.equal(second[f('sensitive_user_count')], 1);
    assert.equal(features(e, activity())[f('sensitive_action')], 0);
  });
});

describe('FeatureEngine: contract', () => {
  it('extract does not learn', () => {
    const e = new FeatureEngine();
    const a = activity();
    const one = features(e, a);
    const two = features(e, a);
    assert.deepEqual(one, two);
    assert.equal(e.stats().users, 0);
  });

  it('process equals extract then learn, and writes at an offset', () => {
    const e1 = new FeatureEngine();
    const e2 = new FeatureEngine();
    const out1 = new Float32Array(e1.dim * 3);
    const out2 = new Float32Array(e2.dim);
    for (let i = 0; i < 3; i++) {
      const a = activity({ time: T0 + i * HOUR, geo: i === 1 ? { ...SYDNEY } : { ...LONDON } });
      e1.process(a, out1, i * e1.dim);
      e2.extract(a, out2);
      e2.learn(a);
      assert.deepEqual(out1.subarray(i * e1.dim, (i + 1) * e1.dim), out2);
    }
  });

  it('honours maxUsers by forgetting the least recently active users', () => {
    const e = new FeatureEngine({ maxUsers: 10 });
    for (let i = 0; i < 50; i++) e.learn(activity({ user: `u${i}@x`, time: T0 + i * 1000 }));
    const s = e.stats();
    assert.ok(s.users <= 10);
    assert.equal(s.evictedUsers, 40);
    assert.equal(features(e, activity({ user: 'u49@x', time: T0 + HOUR }))[f('new_user')], 0);
    assert.equal(features(e, activity({ user: 'u0@x', time: T0 + HOUR }))[f('new_user')], 1);
  });

  it('refuses a spec other than its own', () => {
    assert.throws(() => new FeatureEngine({ spec: { ...FEATURE_SPEC, hash: 'f'.repeat(64) } }), { code: 'THREATLAB_FEATURE_SPEC_MISMATCH' });
    assert.throws(() => new FeatureEngine({ latenessMs: 2 * DAY }), { code: 'THREATLAB_CONFIG' });
  });

  it('gives reasons their context', () => {
    const e = new FeatureEngine();
    for (let i = 0; i < 9; i++) e.learn(activity({ time: T0 + i * DAY }));
    e.learn(activity({ time: T0 + 9 * DAY, geo: { ...NEW_YORK } }));
    const ctx = e.context(activity({ time: T0 + 10 * DAY, geo: { ...SYDNEY } }));
    assert.equal(ctx.knownUser, true);
    assert.equal(ctx.userEvents, 10);
    assert.equal(ctx.topCountries[0].value, 'GB');
    assert.ok(Math.abs(ctx.topCountries[0].share - 0.9) < 1e-6);
    assert.equal(ctx.usualTimeZone, 'Europe/London');
    assert.equal(ctx.usualHours[0], 9);
    assert.equal(ctx.previousLocation?.lat, Math.fround(NEW_YORK.lat));
    assert.equal(ctx.tenantUsers, 1);
    assert.equal(e.context(activity({ user: 'nobody@x' })).knownUser, false);
  });
});
