/**
 * CLI round trip on a tiny generated dataset: generate → train → score → evaluate,
 * in-process through the real dispatcher, plus the refusals the contracts promise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/run.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return { stream: new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb(); } }), text: () => chunks.join('') };
}

const dir = await mkdtemp(path.join(tmpdir(), 'threatlab-cli-'));
const env = { ...process.env, THREATLAB_STATE_DIR: path.join(dir, 'state'), MLFLOW_TRACKING_URI: '', THREATLAB_ARTIFACT_ROOT: '' };

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = sink();
  const err = sink();
  const code = await runCli(argv, COMMANDS, { out: out.stream, err: err.stream, env });
  return { code, out: out.text(), err: err.text() };
}

test.after(() => rm(dir, { recursive: true, force: true }));

test('train → score → evaluate round trip on a tiny generated dataset', async () => {
  const data = path.join(dir, 'data');
  const gen = await cli('generate', '--users', '20', '--days', '9', '--seed', '4', '--out', data);
  assert.equal(gen.code, 0, gen.err);
  const bundle = path.join(dir, 'bundle');
  const train = await cli('train', '--input', path.join(data, 'train.ndjson'), '--name', 'tiny', '--out', bundle, '--epochs', '2', '--json');
  assert.equal(train.code, 0, train.err);
  const summary = JSON.parse(train.out) as { events: number; manifestSha256: string; threshold: number; components: string[] };
  assert.ok(summary.events > 0);
  assert.match(summary.manifestSha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(summary.components, ['prevalence', 'cluster', 'autoencoder']);

  // One garbage line among the events: it must land in the rejects file, not vanish.
  const testFile = path.join(dir, 'test.ndjson');
  const testText = await readFile(path.join(data, 'test.ndjson'), 'utf8');
  const inputLines = testText.split('\n').filter(Boolean);
  await writeFile(testFile, `${inputLines.slice(0, 5).join('\n')}\n{not json\n${inputLines.slice(5).join('\n')}\n`);
  const scoresFile = path.join(dir, 'scores.ndjson');
  const score = await cli('score', '--model', bundle, '--input', testFile, '--out', scoresFile, '--json');
  assert.equal(score.code, 0, score.err);
  const lines = (await readFile(scoresFile, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, inputLines.length, 'one score line per input event');
  assert.deepEqual(Object.keys(lines[0]).slice(0, 7), ['eventId', 'user', 'time', 'score', 'alert', 'reasons', 'model']);
  assert.deepEqual(lines.map((l) => l.eventId), inputLines.map((l) => (JSON.parse(l) as { id: string }).id), 'in input order');
  assert.ok(lines.every((l) => typeof l.score === 'number' && l.score >= 0 && l.score <= 1 && Array.isArray(l.reasons) && (l.reasons as unknown[]).length > 0));
  const rejects = (await readFile(path.join(dir, 'scores.rejects.ndjson'), 'utf8')).split('\n').filter(Boolean);
  assert.equal(rejects.length, 1);
  assert.match(rejects[0], /invalid_json/);

  const report = path.join(dir, 'report');
  const evaluation = await cli('evaluate', '--scores', scoresFile, '--labels', path.join(data, 'labels.json'), '--campaigns', path.join(data, 'campaigns.json'), '--report', report, '--json');
  assert.equal(evaluation.code, 0, evaluation.err);
  const metrics = JSON.parse(evaluation.out) as { averagePrecision: number; rocAuc: number; campaignRecall: Record<string, number>; alertsPer1000UserDays: number };
  assert.ok(metrics.averagePrecision >= 0 && metrics.averagePrecision <= 1);
  assert.ok(metrics.rocAuc > 0.5, `a trained model ranks attacks above chance (ROC-AUC ${metrics.rocAuc})`);
  assert.deepEqual(Object.keys(metrics.campaignRecall), ['0.001', '0.005', '0.01']);
  assert.ok(Number.isFinite(metrics.alertsPer1000UserDays));
  const html = await readFile(path.join(report, 'report.html'), 'utf8');
  assert.match(html, /<svg[^>]*precision-recall/);
  assert.match(html, /Alerts per day/);
  assert.doesNotMatch(html, /<script/);

  // A bundle of another feature spec is refused, with both hashes in the message.
  const manifestPath = path.join(bundle, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { featureSpecHash: string };
  const realHash = manifest.featureSpecHash;
  manifest.featureSpecHash = 'f'.repeat(64);
  await writeFile(manifestPath, JSON.stringify(manifest));
  const refused = await cli('score', '--model', bundle, '--input', testFile, '--out', path.join(dir, 'x.ndjson'));
  assert.equal(refused.code, 1);
  assert.match(refused.err, new RegExp(`${'f'.repeat(64)}.*${realHash}`));
  assert.match(refused.err, /THREATLAB_FEATURE_SPEC_MISMATCH/);
});

test('bad flags are one line and exit 2; empty input is a clear error', async () => {
  const bad = await cli('train', '--input', 'x', '--name', 'm', '--out', path.join(dir, 'b'), '--alert-budget', 'lots');
  assert.equal(bad.code, 2);
  assert.equal(bad.err.trim().split('\n').length, 1);
  assert.match(bad.err, /--alert-budget/);
  const missing = await cli('score', '--input', 'x', '--out', 'y');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--model/);
  const empty = path.join(dir, 'empty.ndjson');
  await writeFile(empty, '');
  const e = await cli('train', '--input', empty, '--name', 'm', '--out', path.join(dir, 'b2'));
  assert.equal(e.code, 1);
  assert.match(e.err, /no events to train on/);
});
