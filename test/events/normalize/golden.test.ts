/**
 * Golden tests over real vendor samples (test/fixtures/vendors, see SOURCES.md): every
 * record is normalised or rejected with a reason, and hand-checked records give the user,
 * time, action and IP that the raw record says (expectations written from reading the
 * raw records, not from the normaliser's output).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { activityProblem, type Activity } from '../../../src/events/activity.js';
import { normalizeRecord, normalizeText, REJECT_REASONS, type NormalizeResult } from '../../../src/events/normalize/index.js';
import { FIXTURES, fixtureFiles, fixtureRecords, isWrapped, rel } from './fixtures.js';

// The samples date from 2017–2026; a fixed "now" keeps the future-time check independent of the clock.
const NOW = Date.UTC(2026, 11, 31);

function file(p: string): string {
  return join(FIXTURES, p);
}

function normalizeFixture(path: string): NormalizeResult {
  if (!isWrapped(path)) return normalizeText(readFileSync(path, 'utf8'), { now: NOW });
  const out: NormalizeResult = { activities: [], rejections: [] };
  for (const r of fixtureRecords(path)) {
    const res = normalizeRecord(r, { now: NOW });
    out.activities.push(...res.activities);
    out.rejections.push(...res.rejections);
  }
  return out;
}

describe('every sample record is normalised or rejected with a reason', () => {
  for (const path of fixtureFiles()) {
    it(rel(path), () => {
      const records = fixtureRecords(path);
      assert.ok(records.length > 0);
      let activities = 0;
      let rejections = 0;
      for (const record of records) {
        const res = normalizeRecord(record, { now: NOW });
        // One record → some Activities (several for Google's events[]) and/or at most one rejection.
        assert.ok(res.activities.length + res.rejections.length >= 1, `record lost: ${JSON.stringify(record).slice(0, 200)}`);
        assert.ok(res.rejections.length <= 1);
        for (const a of res.activities) assert.equal(activityProblem(a), null, `${a.id}: ${activityProblem(a)}`);
        for (const r of res.rejections) {
          assert.ok((REJECT_REASONS as readonly string[]).includes(r.reason));
          assert.ok(r.detail.length > 0);
          assert.ok(r.raw.length > 0);
        }
        activities += res.activities.length;
        rejections += res.rejections.length;
      }
      // Reading the whole file (array, envelope, NDJSON) loses nothing either.
      if (!isWrapped(path)) {
        const whole = normalizeFixture(path);
        assert.equal(whole.activities.length, activities);
        assert.equal(whole.rejections.length, rejections);
      }
    });
  }

  it('detects the vendor of every sample from its keys alone', () => {
    const folderVendor: Record<string, string> = { aws_cloudtrail: 'cloudtrail', dropbox: 'dropbox', entra_id: 'entra', github: 'github', google_workspace: 'gworkspace', o365: 'o365', okta: 'okta', slack: 'slack' };
    for (const path of fixtureFiles()) {
      const want = folderVendor[rel(path).split('/')[0]];
      const res = normalizeFixture(path);
      for (const a of res.activities) assert.equal(a.vendor, want, `${rel(path)} ${a.id}`);
      for (const r of res.rejections) if (r.vendor !== undefined) assert.equal(r.vendor, want, `${rel(path)} ${r.reason}`);
    }
  });

  it('normalises most records of the vendor samples (not everything rejected)', () => {
    let activities = 0;
    let records = 0;
    for (const path of fixtureFiles()) {
      records += fixtureRecords(path).length;
      activities += normalizeFixture(path).activities.length;
    }
    assert.ok(activities / records > 0.8, `${activities} activities from ${records} records`);
  });
});

interface Expected {
  file: string;
  /** Picks the Activity: by id, or by index among the file's Activities. */
  id?: string;
  index?: number;
  /** With `id`, when a sample reuses one id for several records. */
  rawAction?: string;
  user: string;
  time: string;
  action: Activity['action'];
  ip: string | null;
  tenant?: string;
  outcome?: Activity['outcome'];
  failureReason?: string;
  external?: boolean;
  deviceId?: string;
}

const EXPECTED: Expected[] = [
  // O365 Management Activity API (Panther lower-cased keys in the Exchange file)
  { file: 'o365/panther-analysis/rule-tests_Microsoft365.Audit.AzureActiveDirectory.ndjson', index: 0, user: 'sample.user@yourorg.onmicrosoft.com', time: '2022-12-12T15:57:57.000Z', action: 'login_failed', ip: '1.2.3.4', tenant: '11-aa-22-bb', outcome: 'failure', failureReason: 'InvalidUserNameOrPassword' },
  { file: 'o365/panther-analysis/rule-tests_Microsoft365.Audit.AzureActiveDirectory.ndjson', index: 1, user: 'sample.user@yourorg.onmicrosoft.com', time: '2022-12-12T15:57:57.000Z', action: 'login', ip: '1.2.3.4' },
  { file: 'o365/panther-analysis/rule-tests_Microsoft365.Audit.Exchange.ndjson', index: 0, user: 'homer.simpson@simpsons.onmicrosoft.com', time: '2022-12-12T22:19:00.000Z', action: 'mail_forward_rule', ip: '1.2.3.4', tenant: '11-aa-bb', external: true },
  { file: 'o365/panther-analysis/rule-tests_Microsoft365.Audit.Exchange.ndjson', index: 1, user: 'homer.simpson@simpsons.com', time: '2022-12-12T22:19:00.000Z', action: 'mail_forward_rule', ip: '1.2.3.4', external: false },
  { file: 'o365/panther-analysis/rule-tests_Microsoft365.Audit.SharePoint.ndjson', index: 0, user: 'my.user@yourorg.onmicrosoft.com', time: '2022-12-12T19:31:41.000Z', action: 'file_share_external', ip: '1.2.3.4', external: true },
  // Sentinel OfficeActivity
  { file: 'o365/OTRF_Security-Datasets/OfficeActivityEvents.json', id: '699e0b10-1c53-403e-976f-ce0847a92b44', user: 'pgustavo@simulandlabs.com', time: '2021-08-02T13:32:07.000Z', action: 'mail_access', ip: '1.2.3.4' },
  // Entra: Sentinel AuditLogs (JSON-in-string InitiatedBy), diagnostic settings sign-ins and audits
  { file: 'entra_id/OTRF_Security-Datasets/AADAuditEvents.json', id: 'Directory_10065ffb-8199-48bc-8ff5-912cb5b8295a_AUMVX_13992832', user: 'pgustavo@simulandlabs.com', time: '2021-08-02T13:29:25.983Z', action: 'app_credential_add', ip: null },
  { file: 'entra_id/panther-analysis/rule-tests_Azure.Audit.ndjson', id: 'policy-update-001', user: 'denethor@lotr.com', time: '2025-01-15T14:20:35.456Z', action: 'admin_setting_change', ip: '1.2.3.4', tenant: 'tenant-abc' },
  { file: 'entra_id/panther-analysis/rule-tests_Azure.Audit.ndjson', index: 2, user: 'aragorn@lotr.com', time: '2025-01-15T09:30:45.123Z', action: 'login', ip: '2.2.2.2', outcome: 'success', deviceId: 'device-attacker-456' },
  { file: 'entra_id/panther-analysis/rule-tests_Azure.Audit.ndjson', id: 'federation-change-001', user: 'frodo@lotr.com', time: '2025-01-15T09:30:25.123Z', action: 'admin_setting_change', ip: '2.2.2.2' },
  // Google Workspace: Reports API page (one Activity per events[] entry), Panther's flattened form
  { file: 'google_workspace/hashicorp-forge_grove/gsuite/activities/001.json', id: '-2132132132132132132#0', user: 'example@hashicorp.com', time: '2021-10-27T23:59:31.657Z', action: 'group_change', ip: '192.0.2.2', tenant: 'C0FFEE' },
  { file: 'google_workspace/hashicorp-forge_grove/gsuite/activities/001.json', id: '-2132132132132132132#1', user: 'example@hashicorp.com', time: '2021-10-27T23:59:31.657Z', action: 'group_change', ip: '192.0.2.2' },
  { file: 'google_workspace/panther-analysis/test-scenarios_google_workspace.ndjson', id: '7650140179669908407#1', user: 'thomas12223391@gmail.com', time: '2021-06-27T00:42:04.624Z', action: 'file_share_external', ip: null, external: true },
  { file: 'google_workspace/panther-analysis/rule-tests_GSuite.ActivityEvent.ndjson', id: '-12456#DELETE_ROLE', user: 'example@example.io', time: '2022-12-11T02:57:48.693Z', action: 'admin_setting_change', ip: '12.12.12.12', tenant: 'D12345' },
  // Slack audit logs (epoch seconds)
  { file: 'slack/hashicorp-forge_grove/slack/audit/001.json', id: 'b79e48be-6b30-45b5-84cd-336a4ef80a54', user: 'first@example.org', time: '2018-03-16T15:32:24.000Z', action: 'login', ip: '192.0.2.1', tenant: 'E1701NCCA' },
  // Dropbox team events (no vendor id: a hash)
  { file: 'dropbox/hashicorp-forge_grove/dropbox/team_events/001.json', index: 0, user: 'john_smith@acmecorp.com', time: '2017-01-25T15:51:30.000Z', action: 'file_download', ip: '45.56.78.100' },
  // GitHub audit log (epoch ms)
  { file: 'github/panther-analysis/rule-tests_GitHub.Audit.ndjson', index: 0, user: 'cat', time: '2021-05-18T02:31:58.553Z', action: 'admin_setting_change', ip: null, tenant: 'my-org' },
  { file: 'github/panther-analysis/rule-tests_GitHub.Audit.ndjson', id: 'gAcccccccccccccccccccc', rawAction: 'business_advanced_security.disabled', user: 'bobert', time: '2022-12-15T13:31:51.111Z', action: 'admin_setting_change', ip: '12.12.12.12', tenant: 'example-enterprise' },
  // Okta System Log
  { file: 'okta/panther-analysis/test-scenarios_okta.ndjson', index: 0, user: 'tracey_stone@acme.io', time: '2020-10-25T10:20:22.000Z', action: 'login_failed', ip: '92.55.146.245', outcome: 'failure', failureReason: 'VERIFICATION_ERROR' },
  { file: 'okta/hashicorp-forge_grove/okta/system_log/001.json', id: 'uuid', user: 'someid', time: '2021-06-24T00:04:08.123Z', action: 'other', ip: null },
  // CloudTrail: Stratus Red Team detonations, the OTRF breach (Logstash @timestamp), Cribl `_raw`
  { file: 'aws_cloudtrail/DataDog_stratus-red-team/aws.defense-evasion.cloudtrail-stop.json', id: '10163ed2-2253-469d-a5ee-cbc6651f8934', user: 'arn:aws:iam::143434273843:user/christophe', time: '2024-07-31T13:06:24.000Z', action: 'logging_disable', ip: '86.245.153.234', tenant: '143434273843' },
  { file: 'aws_cloudtrail/DataDog_stratus-red-team/aws.exfiltration.ec2-share-ebs-snapshot.json', id: '6897ff63-d738-445c-9e86-43e5b1f8e12f', user: 'arn:aws:iam::756680937392:user/christophe', time: '2024-08-01T12:28:02.000Z', action: 'file_share_external', ip: '253.76.43.253', external: true },
  // Keys created for another user: a planted credential. The IP "211.9.016.253" has a leading zero: invalid, dropped.
  { file: 'aws_cloudtrail/DataDog_stratus-red-team/aws.persistence.iam-backdoor-user.json', id: 'c64c4ded-ef03-4e5c-81eb-153b118d72f2', user: 'arn:aws:iam::946986569305:user/christophe', time: '2024-07-30T21:53:13.000Z', action: 'app_credential_add', ip: null },
  // A console password set for ANOTHER user (christophe → stratus-…-user): a planted credential.
  { file: 'aws_cloudtrail/DataDog_stratus-red-team/aws.persistence.iam-create-user-login-profile.json', id: 'd3906a7d-604b-407f-acb6-fc425742821e', user: 'arn:aws:iam::070411556318:user/christophe', time: '2024-08-01T13:42:21.000Z', action: 'app_credential_add', ip: '253.234.5.234' },
  { file: 'aws_cloudtrail/DataDog_stratus-red-team/aws.privilege-escalation.iam-update-user-login-profile.json', id: 'a46a1a42-9ef1-48d4-9c61-507eb6d4019f', user: 'arn:aws:iam::763751499319:user/christophe', time: '2024-08-28T09:54:40.000Z', action: 'app_credential_add', ip: '212.3.253.233' },
  { file: 'aws_cloudtrail/OTRF_Security-Datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json', id: 'fd4f1042-c7f6-4107-a6ee-d841d92596e7', user: 'arn:aws:iam::123456789123:user/pedro', time: '2020-09-14T00:44:23.000Z', action: 'api_call', ip: '1.2.3.4', tenant: '123456789123' },
  { file: 'aws_cloudtrail/criblpacks_cribl-aws-cloudtrail-logs/BeVTW2.json', id: 'a1b2c3d4-e5f6-7890-1234-567890abcdef', user: 'arn:aws:iam::123456789012:user/alice', time: '2025-07-10T15:00:00.000Z', action: 'file_upload', ip: '203.0.113.1' },
];

describe('hand-checked records give the user, time, action and IP of the raw record', () => {
  const cache = new Map<string, Activity[]>();
  for (const e of EXPECTED) {
    it(`${e.file} ${e.id ?? `#${e.index}`}`, () => {
      if (!cache.has(e.file)) cache.set(e.file, normalizeFixture(file(e.file)).activities);
      const acts = cache.get(e.file)!;
      const a = e.id !== undefined ? acts.find((x) => x.id === e.id && (e.rawAction === undefined || x.rawAction === e.rawAction)) : acts[e.index!];
      assert.ok(a, `no activity ${e.id ?? e.index} among ${acts.length}`);
      assert.equal(a.user, e.user);
      assert.equal(new Date(a.time).toISOString(), e.time);
      assert.equal(a.action, e.action);
      assert.equal(a.ip, e.ip);
      if (e.tenant !== undefined) assert.equal(a.tenant, e.tenant);
      if (e.outcome !== undefined) assert.equal(a.outcome, e.outcome);
      if (e.failureReason !== undefined) assert.equal(a.failureReason, e.failureReason);
      if (e.external !== undefined) assert.equal(a.object?.external, e.external);
      if (e.deviceId !== undefined) assert.equal(a.device?.id, e.deviceId);
    });
  }

  it('covers every vendor', () => {
    const vendors = new Set(EXPECTED.map((e) => e.file.split('/')[0]));
    assert.deepEqual([...vendors].sort(), ['aws_cloudtrail', 'dropbox', 'entra_id', 'github', 'google_workspace', 'o365', 'okta', 'slack']);
  });
});

describe('records the samples say must be rejected', () => {
  it('GitHub workflow events without an actor → missing_user', () => {
    const res = normalizeFixture(file('github/hashicorp-forge_grove/github/audit/001.json'));
    assert.equal(res.activities.length, 0);
    assert.deepEqual(res.rejections.map((r) => [r.reason, r.vendor]), [['missing_user', 'github'], ['missing_user', 'github']]);
  });

  it('Dropbox time "Oct 26th 2022 16:45:42" (no zone, ordinal day) → invalid_time', () => {
    const res = normalizeFixture(file('dropbox/demisto-content/DropboxEventCollector_1_3_testdata.json'));
    assert.equal(res.rejections[0].reason, 'invalid_time');
    assert.equal(res.rejections[0].vendor, 'dropbox');
  });

  it('Microsoft 365 Defender advanced-hunting rows are no audit log → unknown_vendor, raw kept', () => {
    const res = normalizeFixture(file('o365/OTRF_Security-Datasets/Microsoft365DefenderEvents.json'));
    assert.equal(res.activities.length, 0);
    assert.ok(res.rejections.every((r) => r.reason === 'unknown_vendor' && r.raw.includes('ActionType')));
  });
});
