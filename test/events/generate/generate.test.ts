import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { activityProblem } from '../../../src/events/activity.js';
import { createEnricher } from '../../../src/events/enrich/index.js';
import { campaignsOf, generateEvents, SCENARIOS, type GeneratedEvent } from '../../../src/events/generate/index.js';
import { resolveOptions, streamEvents } from '../../../src/events/generate/generator.js';
import { haversineKm, HOUR } from '../../../src/events/generate/time.js';

const SMALL = { users: 40, days: 12, seed: 7 };
const events: GeneratedEvent[] = [...generateEvents(SMALL)];

test('the same seed gives the same events; another seed gives other events', () => {
  const again = [...generateEvents(SMALL)];
  assert.equal(again.length, events.length);
  assert.equal(JSON.stringify(again), JSON.stringify(events));
  const other = [...generateEvents({ ...SMALL, seed: 8 })];
  assert.notEqual(JSON.stringify(other.slice(0, 50)), JSON.stringify(events.slice(0, 50)));
});

test('every event is a valid, enriched, labelled Activity with a unique id', () => {
  const ids = new Set<string>();
  for (const e of events) {
    assert.equal(activityProblem(e.activity), null);
    assert.ok(e.activity.label, 'label on every event');
    assert.ok(e.activity.geo?.country, `geo for ${e.activity.ip}`);
    assert.ok(e.activity.device?.family, 'device family');
    assert.match(e.activity.user, /^[a-z0-9.-]+@contoso\.example$/);
    assert.match(e.activity.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    ids.add(e.activity.id);
  }
  assert.equal(ids.size, events.length);
});

test('events come in arrival order; a few arrive late, never more than 24 h late', () => {
  let late = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (i > 0) assert.ok(events[i - 1].arrival <= e.arrival, `arrival order at ${i}`);
    const lag = e.arrival - e.activity.time;
    assert.ok(lag >= 0 && lag <= 24 * HOUR, `lag ${lag}`);
    if (lag > HOUR) late++;
  }
  const share = late / events.length;
  assert.ok(share > 0.01 && share < 0.06, `late share ${share}`);
  // Late arrival means event time is NOT monotone in the stream.
  assert.ok(events.some((e, i) => i > 0 && e.activity.time < events[i - 1].activity.time));
});

test('the split follows event time', () => {
  const o = resolveOptions(SMALL);
  const trainEnd = o.start + o.trainDays * 24 * HOUR;
  for (const e of events) assert.equal(e.split, e.activity.time < trainEnd ? 'train' : 'test');
});

test('every scenario is injected, mostly in the test split, and matches its labels', () => {
  const campaigns = campaignsOf(SMALL);
  assert.deepEqual(new Set(campaigns.map((c) => c.scenario)), new Set(SCENARIOS.map((s) => s.scenario)));
  assert.ok(campaigns.some((c) => c.difficulty === 'hard') && campaigns.some((c) => c.difficulty === 'easy'));
  const malicious = events.filter((e) => e.activity.label!.malicious);
  const inTest = malicious.filter((e) => e.split === 'test').length;
  assert.ok(inTest / malicious.length > 0.6, `${inTest} of ${malicious.length} in test`);
  for (const c of campaigns) {
    const own = malicious.filter((e) => e.activity.label!.campaign === c.id);
    assert.ok(own.length > 0, `${c.id} has events`);
    for (const e of own) {
      assert.equal(e.activity.label!.technique, c.technique);
      assert.ok(e.activity.time >= Math.floor(c.start / 1000) * 1000 && e.activity.time <= c.end);
    }
    assert.ok(own.some((e) => e.activity.user === c.user), `${c.id} touches its victim`);
  }
  assert.ok(campaigns.every((c) => /^T\d{4}(\.\d{3})?$/.test(c.technique)));
});

test('a period too short for some scenarios still labels every campaign it reports', () => {
  const opts = { users: 10, days: 2, seed: 4, trainDays: 0 };
  const got = [...generateEvents(opts)];
  const labelled = new Set(got.filter((e) => e.activity.label!.malicious).map((e) => e.activity.label!.campaign));
  const campaigns = campaignsOf(opts);
  assert.ok(campaigns.length > 0);
  for (const c of campaigns) assert.ok(labelled.has(c.id), c.id);
});

test('no attacks when attacks=false', () => {
  const benign = [...generateEvents({ ...SMALL, users: 15, days: 4, attacks: false })];
  assert.ok(benign.length > 0);
  assert.ok(benign.every((e) => e.activity.label?.malicious === false));
});

test('generated IPs geolocate to the cities they were drawn for', () => {
  const table = JSON.parse(readFileSync(new URL('../../../data/city-ips.json', import.meta.url), 'utf8')) as { cities: Array<{ name: string; country: string; isp: string[]; hosting: string[]; isp6: string[] }> };
  const enricher = createEnricher();
  let checked = 0;
  let matched = 0;
  for (const c of table.cities) {
    for (const ip of [...c.isp, ...c.hosting, ...c.isp6]) {
      const g = enricher.lookupIp(ip).geo;
      checked++;
      if (g?.country === c.country && g.city === c.name) matched++;
    }
  }
  assert.ok(matched / checked > 0.99, `${matched}/${checked}`);
  const cities = new Set(table.cities.map((c) => c.name));
  const located = events.filter((e) => e.activity.geo?.city && cities.has(e.activity.geo.city)).length;
  assert.ok(located / events.length > 0.99, `${located}/${events.length}`);
  assert.ok(events.some((e) => e.activity.ip!.includes(':')), 'some IPv6 clients');
});

test('the impossible-travel campaign really needs more than 900 km/h', () => {
  for (const c of campaignsOf(SMALL).filter((x) => x.scenario === 'impossible_travel')) {
    const mine = events.filter((e) => e.activity.user === c.user).map((e) => e.activity).sort((a, b) => a.time - b.time);
    const firstBad = mine.findIndex((a) => a.label?.campaign === c.id);
    const before = mine.slice(0, firstBad).reverse().find((a) => !a.label?.malicious);
    assert.ok(before, 'a legitimate event precedes the attacker');
    const bad = mine[firstBad];
    const km = haversineKm(before.geo!.lat!, before.geo!.lon!, bad.geo!.lat!, bad.geo!.lon!);
    const hours = (bad.time - before.time) / HOUR;
    assert.ok(km / hours > 900, `${Math.round(km)} km in ${hours.toFixed(2)} h`);
  }
});

test('legitimate travel is never faster than a plane (VPN exits aside, which do look like it)', () => {
  const table = JSON.parse(readFileSync(new URL('../../../data/city-ips.json', import.meta.url), 'utf8')) as { cities: Array<{ hosting: string[] }> };
  const hosting = new Set(table.cities.flatMap((c) => c.hosting));
  const byUser = new Map<string, typeof events[number]['activity'][]>();
  for (const e of events) if (!e.activity.label!.malicious && e.activity.geo?.lat != null && !hosting.has(e.activity.ip!)) {
    const list = byUser.get(e.activity.user) ?? [];
    list.push(e.activity);
    byUser.set(e.activity.user, list);
  }
  let trips = 0;
  for (const list of byUser.values()) {
    list.sort((a, b) => a.time - b.time);
    for (let i = 1; i < list.length; i++) {
      const [a, b] = [list[i - 1], list[i]];
      const km = haversineKm(a.geo!.lat!, a.geo!.lon!, b.geo!.lat!, b.geo!.lon!);
      if (km < 300) continue;
      trips++;
      assert.ok(km / ((b.time - a.time) / HOUR) < 900, `${a.user}: ${Math.round(km)} km in ${((b.time - a.time) / HOUR).toFixed(2)} h`);
    }
  }
  assert.ok(trips > 0, 'someone travels');
});

test('memory stays bounded: the buffers hold a few days of events, not the whole period', () => {
  let maxBuffered = 0;
  let maxSessions = 0;
  let total = 0;
  const o = resolveOptions({ users: 30, days: 40, seed: 3 });
  for (const _e of streamEvents(o, (sessions, buffered) => {
    maxSessions = Math.max(maxSessions, sessions);
    maxBuffered = Math.max(maxBuffered, buffered);
  })) total++;
  const perDay = total / o.days;
  assert.ok(maxBuffered < 3 * perDay, `buffered ${maxBuffered} events, ${perDay.toFixed(0)} per day`);
  assert.ok(maxSessions < total / 10, `planned sessions ${maxSessions}`);
});

test('bad options are refused with a clear message', () => {
  assert.throws(() => generateEvents({ users: 0, days: 3, seed: 1 }), /users/);
  assert.throws(() => generateEvents({ users: 3, days: 2.5, seed: 1 }), /days/);
  assert.throws(() => generateEvents({ users: 3, days: 3, seed: 1, lateShare: 2 }), /lateShare/);
  assert.throws(() => generateEvents({ users: 3, days: 3, seed: 1, trainDays: 9 }), /trainDays/);
});
