/**
 * A second, independent reading of the simple vendors' raw records (written here from
 * the vendors' documentation, sharing no code with the normaliser) checked against what
 * the normaliser produced, for every sample record that has the fields. This covers the
 * bulk of the samples; golden.test.ts hand-checks the tricky ones.
 */
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import type { Activity } from '../../../src/events/activity.js';
import { normalizeRecord } from '../../../src/events/normalize/index.js';
import { fixtureFiles, fixtureRecords, rel } from './fixtures.js';

const NOW = Date.UTC(2026, 11, 31);
type Raw = Record<string, unknown> & { [k: string]: unknown };

interface Reading {
  id?: string;
  time: number;
  user: string;
  rawAction: string;
  ip?: string | null;
}

/** The record with lower-cased top-level keys: Panther lower-cases some of them. */
function obj(v: unknown): Raw {
  if (typeof v !== 'object' || v === null) return {};
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.toLowerCase(), x]));
}

/** Panther re-writes epoch numbers as "YYYY-MM-DD HH:MM:SS[.fraction]" in UTC. */
function pantherTime(v: unknown, epochUnitMs: number): number {
  if (typeof v === 'number') return v * epochUnitMs;
  if (typeof v !== 'string') return NaN;
  return /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(v) ? Date.parse(`${v.replace(' ', 'T').slice(0, 23)}Z`) : Date.parse(v);
}

const ORACLES: Record<string, (r: Raw) => Reading | null> = {
  cloudtrail(r) {
    const ui = obj(r.useridentity);
    const user = ui.type === 'AWSService' ? ui.invokedby : ui.arn ?? ui.username ?? ui.principalid;
    const when = r.eventtime ?? r['@timestamp'];
    if (typeof user !== 'string' || typeof when !== 'string' || typeof r.eventname !== 'string') return null;
    const ip = typeof r.sourceipaddress === 'string' && isIP(r.sourceipaddress) ? r.sourceipaddress : null;
    return { id: r.eventid as string, time: pantherTime(when, 1), user: user.toLowerCase(), rawAction: r.eventname, ip };
  },
  okta(r) {
    const user = obj(r.actor).alternateid;
    if (typeof user !== 'string' || typeof r.published !== 'string') return null;
    const ip = obj(r.client).ipaddress;
    return { id: r.uuid as string, time: pantherTime(r.published, 1), user: user.toLowerCase(), rawAction: r.eventtype as string, ip: typeof ip === 'string' && isIP(ip) ? ip : null };
  },
  slack(r) {
    const u = obj(obj(r.actor).user);
    const user = u.email ?? u.id;
    if (typeof user !== 'string' || user === '') return null;
    return { id: r.id as string, time: pantherTime(r.date_create, 1000), user: user.toLowerCase(), rawAction: r.action as string };
  },
  dropbox(r) {
    const actor = obj(r.actor);
    const tag = (actor['.tag'] ?? actor._tag) as string | undefined;
    const who = obj(tag !== undefined ? actor[tag] : undefined);
    if (typeof who.email !== 'string' || typeof r.timestamp !== 'string') return null;
    const type = obj(r.event_type);
    const ip = obj(obj(r.origin).geo_location).ip_address;
    return { time: pantherTime(r.timestamp, 1), user: who.email.toLowerCase(), rawAction: (type['.tag'] ?? type._tag) as string, ip: typeof ip === 'string' && isIP(ip) ? ip : null };
  },
  gworkspace(r) {
    // Only the flattened (one event per record) form: the events[] form yields several Activities.
    const id = obj(r.id);
    const email = obj(r.actor).email;
    if (typeof email !== 'string' || typeof id.time !== 'string' || typeof r.name !== 'string') return null;
    const ip = r.ipaddress;
    const uq = id.uniquequalifier;
    return { id: typeof uq === 'string' ? `${uq}#${r.name}` : undefined, time: pantherTime(id.time, 1), user: email.toLowerCase(), rawAction: r.name, ip: typeof ip === 'string' && isIP(ip) ? ip : null };
  },
  github(r) {
    const when = r['@timestamp'] ?? r.at_sign_timestamp ?? r.created_at;
    if (typeof r.actor !== 'string') return null;
    return { time: pantherTime(when, 1), user: r.actor.toLowerCase(), rawAction: r.action as string };
  },
};

const FOLDER_VENDOR: Record<string, string> = { aws_cloudtrail: 'cloudtrail', okta: 'okta', slack: 'slack', github: 'github', dropbox: 'dropbox', google_workspace: 'gworkspace' };

describe('an independent reading of the raw records agrees with the normaliser', () => {
  for (const [folder, vendor] of Object.entries(FOLDER_VENDOR)) {
    it(vendor, (t) => {
      let checked = 0;
      let activities = 0;
      for (const path of fixtureFiles().filter((p) => rel(p).startsWith(`${folder}/`))) {
        for (const raw of fixtureRecords(path)) {
          const acts: Activity[] = normalizeRecord(raw, { now: NOW }).activities.filter((a) => a.vendor === vendor);
          activities += acts.length;
          // Cribl and Splunk keep the CloudTrail record as text in `_raw`.
          const record = typeof obj(raw)._raw === 'string' ? obj(JSON.parse(obj(raw)._raw as string)) : obj(raw);
          const expected = ORACLES[vendor](record);
          if (expected === null || acts.length !== 1 || Number.isNaN(expected.time)) continue;
          const a = acts[0];
          const where = `${rel(path)} ${a.id}`;
          if (expected.id !== undefined) assert.equal(a.id, expected.id, where);
          assert.equal(a.time, expected.time, where);
          assert.equal(a.user, expected.user, where);
          assert.equal(a.rawAction, expected.rawAction, where);
          if (expected.ip !== undefined) assert.equal(a.ip, expected.ip, where);
          checked++;
        }
      }
      t.diagnostic(`${vendor}: ${checked} of ${activities} Activities checked against the raw record`);
      // Google's events[] pages give several Activities per record; the flattened records are the bulk.
      assert.ok(checked >= activities * (vendor === 'gworkspace' ? 0.5 : 0.75), `${vendor}: checked ${checked} of ${activities} activities`);
    });
  }
});
