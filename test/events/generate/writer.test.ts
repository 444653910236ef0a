import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDataset } from '../../../src/events/generate/writer.js';

const bin = new URL('../../../bin/threatlab.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const FILES = ['train.ndjson', 'test.ndjson', 'labels.json', 'campaigns.json', 'summary.json'];

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'threatlab-gen-'));
}

function records(dir: string): Array<Record<string, unknown>> {
  return ['train.ndjson', 'test.ndjson'].flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
}

test('threatlab generate: same seed → same bytes; labels cover every record and stay out of them', () => {
  const [a, b] = [tmp(), tmp()];
  try {
    for (const dir of [a, b]) {
      const r = run('generate', '--users', '12', '--days', '6', '--seed', '5', '--out', dir);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /wrote \d+ events/);
    }
    for (const f of FILES) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} differs between runs`);
    const recs = records(a);
    const labels = JSON.parse(readFileSync(join(a, 'labels.json'), 'utf8')) as Record<string, { malicious: boolean; campaign?: string }>;
    assert.equal(Object.keys(labels).length, recs.length);
    for (const rec of recs) {
      assert.equal('label' in rec, false);
      assert.ok(labels[rec.id as string], `label for ${String(rec.id)}`);
    }
    const campaigns = JSON.parse(readFileSync(join(a, 'campaigns.json'), 'utf8')) as Array<{ id: string }>;
    const labelled = new Set(Object.values(labels).filter((l) => l.malicious).map((l) => l.campaign));
    for (const c of campaigns) assert.ok(labelled.has(c.id), `${c.id} labelled`);
    const summary = JSON.parse(readFileSync(join(a, 'summary.json'), 'utf8')) as { events: number; maliciousTest: number };
    assert.equal(summary.events, recs.length);
    assert.ok(summary.maliciousTest > 0);
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test('o365 output is read back by the normaliser to the same id, user, time, action and IP', async () => {
  const dir = tmp();
  try {
    const s = await writeDataset({ users: 15, days: 5, seed: 9, format: 'o365', out: dir });
    assert.ok(s.roundTrip!.checked > 500);
    assert.deepEqual(s.roundTrip!.problems, {});
    const recs = records(dir);
    assert.ok(recs.every((r) => typeof r.CreationTime === 'string' && typeof r.Operation === 'string' && typeof r.Workload === 'string'));
    const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Record<string, unknown>;
    assert.ok(recs.every((r) => labels[r.Id as string]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gworkspace output keeps user, time and IP through the normaliser', async () => {
  const dir = tmp();
  try {
    const s = await writeDataset({ users: 15, days: 5, seed: 9, format: 'gworkspace', out: dir });
    assert.equal(s.roundTrip!.rejected, 0);
    for (const problem of Object.keys(s.roundTrip!.problems)) assert.match(problem, /read back as action \w+$/, problem);
    const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Record<string, unknown>;
    for (const r of records(dir)) {
      const id = r.id as { uniqueQualifier: string };
      assert.ok(labels[`${id.uniqueQualifier}#0`]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad flags are one line and exit code 2', () => {
  for (const args of [['--users', 'many', '--out', '/tmp/x'], ['--format', 'csv', '--out', '/tmp/x'], ['--users', '5']]) {
    const r = run('generate', ...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
