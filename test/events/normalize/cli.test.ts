/** `threatlab normalize` end to end through the real binary: outputs, counts, errors and exit codes. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { activityProblem } from '../../../src/events/activity.js';
import { FIXTURES } from './fixtures.js';

const bin = new URL('../../../bin/threatlab.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'normalize', ...args], { encoding: 'utf8' });

describe('threatlab normalize', () => {
  const dir = mkdtempSync(join(tmpdir(), 'threatlab-cli-normalize-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes enriched Activities and rejected records with reasons, and counts them', () => {
    const slack = join(FIXTURES, 'slack/hashicorp-forge_grove/slack/audit/003.json');
    const junk = join(dir, 'junk.ndjson');
    writeFileSync(junk, '{"hello":"world"}\nnot json\n');
    const out = join(dir, 'acts.ndjson');
    const r = run('--input', slack, '--input', junk, '--out', out, '--json');
    assert.equal(r.status, 0, r.stderr);
    const counts = JSON.parse(r.stdout.trim()) as { activities: number; rejections: number; byVendor: Record<string, number>; byReason: Record<string, number>; byAction: Record<string, number> };
    assert.equal(counts.activities, 19);
    assert.deepEqual(counts.byVendor, { slack: 19 });
    assert.deepEqual(counts.byReason, { unknown_vendor: 1, invalid_json: 1 });
    const acts = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(acts.length, 19);
    for (const a of acts) assert.equal(activityProblem(a), null);
    // Enrichment ran: 192.0.2.1 (TEST-NET-1) is a reserved address, and the UA was parsed.
    assert.equal((acts[0].geo as { privateIp?: boolean } | null)?.privateIp, true);
    assert.equal((acts[0].device as { browser: string | null }).browser, 'Chrome');
    const rejects = readFileSync(join(dir, 'acts.rejects.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { reason: string; raw: string; line: number });
    assert.deepEqual(rejects.map((x) => [x.reason, x.raw, x.line]), [['unknown_vendor', '{"hello":"world"}', 1], ['invalid_json', 'not json', 2]]);
  });

  it('prints tables without --json and honours --format and --rejects', () => {
    const out = join(dir, 'b.ndjson');
    const rejects = join(dir, 'rej.ndjson');
    const r = run('-i', join(FIXTURES, 'o365/OTRF_Security-Datasets/OfficeActivityEvents.json'), '-o', out, '--rejects', rejects, '--format', 'o365', '--no-enrich');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /by vendor:\n\s+o365\s+1\n/);
    assert.match(r.stdout, /mail_access\s+1/);
    assert.equal(readFileSync(rejects, 'utf8'), '');
  });

  it('a missing input is one line and a non-zero exit; nothing is written', () => {
    const r = run('--input', join(dir, 'missing.json'), '--out', join(dir, 'never.ndjson'));
    assert.notEqual(r.status, 0);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /missing\.json/);
  });

  it('bad flags are usage errors (exit 2)', () => {
    assert.equal(run('--out', join(dir, 'x.ndjson')).status, 2); // no --input
    assert.equal(run('--input', 'a', '--out', 'b', '--format', 'syslog').status, 2);
  });
});
