/**
 * Interop with the real services: a bundle threatlab registers and promotes is seen by
 * the official MLflow Python client and fetched by boto3; a version registered from
 * Python is promoted by threatlab; the promotion reaches a plain kafkajs consumer; a
 * bundle saved to S3 loads back and scores exactly as the original.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig, type Config } from '../../src/config/index.js';
import { loadBundle } from '../../src/models/index.js';
import { artifactStoresFromConfig, copyBundle, fileUriOf, registerBundle, registryFromConfig } from '../../src/registry/index.js';
import type { ArtifactStore, ModelUpdateMessage } from '../../src/registry/index.js';
import { requireStack, uniqueName, type StackEnv } from '../support/stack.js';
import { installPaths } from '../../scripts/services/paths.js';
import { writeRealBundle } from '../serving/fixtures.js';

/** The stack's own venv (MLflow 3.6 and boto3), wherever THREATLAB_CACHE_DIR puts it. */
const PYTHON = installPaths().python;
const BIN = new URL('../../bin/threatlab.js', import.meta.url).pathname;

let env: StackEnv;
let stateDir: string;
let childEnv: NodeJS.ProcessEnv;
let config: Config;
let store: ArtifactStore;

before(async () => {
  env = await requireStack(['kafka', 'mlflow']);
  stateDir = await mkdtemp(path.join(tmpdir(), 'threatlab-interop-'));
  childEnv = { ...process.env, ...env, THREATLAB_STATE_DIR: stateDir, THREATLAB_TOPIC_MODELS: uniqueName('models'), THREATLAB_LOG_LEVEL: 'error' };
  config = loadConfig(childEnv);
  store = artifactStoresFromConfig(config);
});

after(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

function python(code: string, args: string[]): unknown {
  const r = spawnSync(PYTHON, ['-c', code, ...args], { env: childEnv, encoding: 'utf8' });
  assert.equal(r.status, 0, `python failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function cli(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { env: childEnv, encoding: 'utf8' });
}

const PY_READ = `
import sys, json, hashlib, boto3
from mlflow import MlflowClient
name, alias = sys.argv[1], sys.argv[2]
mv = MlflowClient().get_model_version_by_alias(name, alias)
bucket, _, key = mv.source[len('s3://'):].partition('/')
body = boto3.client('s3').get_object(Bucket=bucket, Key=key + '/manifest.json')['Body'].read()
print(json.dumps({'version': mv.version, 'aliases': list(mv.aliases), 'tags': mv.tags, 'source': mv.source,
                  'run_id': mv.run_id, 'manifest_sha256': hashlib.sha256(body).hexdigest()}))
`;

const PY_REGISTER = `
import sys, json
from mlflow import MlflowClient
mv = MlflowClient().create_model_version(sys.argv[1], source=sys.argv[2], description='registered from Python')
print(json.dumps({'version': mv.version}))
`;

test('threatlab registers and promotes; MLflow Python, boto3 and kafkajs see it; Python-registered versions promote too', async () => {
  const name = uniqueName('interop');
  // Training wrote a real bundle to a local folder; registration uploads it to S3.
  const localOut = path.join(stateDir, 'out', 'bundle');
  const bundle = await writeRealBundle(store, fileUriOf(localOut), { users: 12, perUser: 16 });
  const registry = registryFromConfig(config);
  const reg = await registerBundle({ registry, store, artifactRoot: config.artifactRoot }, {
    name, bundleUri: bundle.uri, manifestSha256: bundle.manifestSha256, featureSpecHash: bundle.featureSpecHash,
    metrics: { pr_auc: 0.42 }, params: { k: 3, users: 12 },
  });
  assert.match(reg.uri, /^s3:\/\//);

  const promoted = cli('models', 'promote', name, reg.version.version, '--alias', 'champion', '--why', 'interop test', '--json');
  assert.equal(promoted.status, 0, promoted.stderr);
  const seen = python(PY_READ, [name, 'champion']) as { version: string; aliases: string[]; tags: Record<string, string>; source: string; run_id: string; manifest_sha256: string };
  assert.equal(seen.version, reg.version.version);
  assert.deepEqual(seen.aliases, ['champion']);
  assert.equal(seen.source, reg.uri);
  assert.equal(seen.run_id, reg.runId);
  assert.equal(seen.tags.manifest_sha256, bundle.manifestSha256);
  assert.equal(seen.tags.feature_spec_hash, bundle.featureSpecHash);
  assert.equal(seen.manifest_sha256, bundle.manifestSha256, 'boto3 fetched the very manifest that was registered');

  // A version registered by the Python client, pointing at the bundle threatlab wrote.
  const fromPython = python(PY_REGISTER, [name, reg.uri]) as { version: string };
  const challenger = cli('models', 'promote', name, fromPython.version, '--alias', 'challenger', '--why', 'python-registered');
  assert.equal(challenger.status, 0, challenger.stderr);
  const seen2 = python(PY_READ, [name, 'challenger']) as { version: string; tags: Record<string, string> };
  assert.equal(seen2.version, fromPython.version);
  assert.equal(seen2.tags.manifest_sha256, bundle.manifestSha256, 'threatlab filled in the hashes on promotion');

  // Nothing earlier to roll back to: one line, exit 1, aliases unchanged.
  const rolled = cli('models', 'rollback', name, '--alias', 'champion');
  assert.equal(rolled.status, 1);
  assert.match(rolled.stderr.trim().split('\n').pop()!, /no earlier version to roll back to/);
  assert.equal((await registry.getByAlias(name, 'champion')).version, reg.version.version);

  // The model topic, read by a plain kafkajs consumer.
  const kafka = new Kafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: 'interop-test', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('interop-reader') });
  const got = new Map<string, ModelUpdateMessage>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: config.topics.models, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`model topic: got ${[...got.keys()].join(', ')}`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.set(message.key!.toString(), JSON.parse(message.value!.toString()) as ModelUpdateMessage);
          if (got.size >= 2) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  const champion = got.get(`${name}@champion`)!;
  assert.deepEqual({ ...champion, publishedAt: 0 }, {
    model: name, version: reg.version.version, alias: 'champion', uri: reg.uri,
    manifestSha256: bundle.manifestSha256, featureSpecHash: bundle.featureSpecHash, publishedAt: 0,
  });
  assert.equal(got.get(`${name}@challenger`)!.version, fromPython.version);
});

test('a bundle saved to S3 and loaded back scores exactly like the local original', async () => {
  const local = await writeRealBundle(store, fileUriOf(path.join(stateDir, 'score-check')), { users: 10, perUser: 16, seed: 7 });
  const remoteUri = `${config.artifactRoot}/${uniqueName('score-check')}`;
  await copyBundle(store, local.uri, remoteUri, local.manifestSha256);
  const a = await loadBundle(store, local.uri, { expectedManifestSha256: local.manifestSha256 });
  const b = await loadBundle(store, remoteUri, { expectedManifestSha256: local.manifestSha256 });
  const dim = a.manifest.featureNames.length;
  const rows = 64;
  const data = new Float32Array(rows * dim);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    data[i] = (s / 2 ** 31) * 4 - 1;
  }
  const x = { data, rows, dim };
  const sa = a.scoreMatrix(x).score;
  const sb = b.scoreMatrix(x).score;
  assert.ok(sa.some((v) => v > 0), 'scores are not all zero');
  assert.deepEqual(Array.from(sb), Array.from(sa));
});
