/** The S3 store against a real S3-protocol server (moto, started by the test stack). */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { isThreatlabError } from '../../src/errors/index.js';
import { S3ArtifactStore, artifactStoresFromConfig } from '../../src/registry/index.js';
import { loadConfig } from '../../src/config/index.js';
import { requireStack, stackS3Client, STACK_BUCKET, uniqueName, type StackEnv } from '../support/stack.js';
import { closedPort, writeTestBundle } from './helpers.js';
import { copyBundle, verifyBundle } from '../../src/registry/bundle-files.js';

const hasCode = (code: string) => (err: unknown) => isThreatlabError(err) && err.code === code;
let env: StackEnv;

before(async () => {
  env = await requireStack(['s3']);
});

const storeFor = (e: StackEnv, extra: Partial<ConstructorParameters<typeof S3ArtifactStore>[0]> = {}) =>
  new S3ArtifactStore({ endpoint: e.AWS_ENDPOINT_URL, region: e.AWS_REGION, forcePathStyle: true, ...extra });

test('S3 store: put, get, list, exists, delete against the real server', async () => {
  const store = storeFor(env);
  const base = `s3://${STACK_BUCKET}/${uniqueName('store')}`;
  const a = `${base}/v1/manifest.json`;
  const b = `${base}/v10/manifest.json`;
  await assert.rejects(store.get(a), hasCode('THREATLAB_NOT_FOUND'));
  assert.equal(await store.exists(a), false);
  await store.put(a, new TextEncoder().encode('{"v":1}'));
  await store.put(b, new TextEncoder().encode('{"v":10}'));
  assert.equal(new TextDecoder().decode(await store.get(a)), '{"v":1}');
  assert.equal(await store.exists(a), true);
  assert.deepEqual(await store.list(`${base}/v1`), [a]);
  await store.delete(a);
  await store.delete(a);
  assert.equal(await store.exists(a), false);
  await assert.rejects(store.get(`s3://${uniqueName('no-bucket')}/x`), hasCode('THREATLAB_NOT_FOUND'));
});

test('S3 store: large objects go up in parts and come back byte for byte', async () => {
  const store = storeFor(env, { multipartThresholdBytes: 5 * 1024 * 1024, partSizeBytes: 5 * 1024 * 1024 });
  const uri = `s3://${STACK_BUCKET}/${uniqueName('big')}/weights.bin`;
  const data = new Uint8Array(11 * 1024 * 1024 + 17);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 12)) & 0xff;
  await store.put(uri, data);
  const back = await store.get(uri);
  assert.equal(back.byteLength, data.byteLength);
  assert.ok(Buffer.from(back).equals(Buffer.from(data)));
});

test('S3 store: an object whose bytes do not match its recorded sha256 is refused', async () => {
  const key = `${uniqueName('tampered')}/file.bin`;
  await stackS3Client(env).send(new PutObjectCommand({ Bucket: STACK_BUCKET, Key: key, Body: Buffer.from('changed'), Metadata: { sha256: '0'.repeat(64) } }));
  await assert.rejects(storeFor(env).get(`s3://${STACK_BUCKET}/${key}`), hasCode('THREATLAB_CHECKSUM'));
});

test('S3 store: an unreachable endpoint is retried, then one clear retriable error', async () => {
  const store = storeFor({ ...env, AWS_ENDPOINT_URL: `http://127.0.0.1:${await closedPort()}` }, { attempts: 3, baseDelayMs: 5 });
  await assert.rejects(store.get(`s3://${STACK_BUCKET}/x`), (err: unknown) => {
    assert.ok(hasCode('THREATLAB_STORE_UNAVAILABLE')(err));
    assert.equal((err as { retriable: boolean }).retriable, true);
    assert.match((err as Error).message, /ECONNREFUSED/);
    assert.equal((err as Error).message.split('\n').length, 1);
    return true;
  });
});

test('a bundle copied from file-like memory to S3 through the config router verifies byte for byte', async () => {
  const config = loadConfig({ ...process.env, ...env });
  const router = artifactStoresFromConfig(config);
  const bundle = await writeTestBundle(router, `memory://train/${uniqueName('b')}`);
  const target = `${config.artifactRoot}/${uniqueName('copied')}`;
  const facts = await copyBundle(router, bundle.uri, target, bundle.manifestSha256);
  assert.equal(facts.manifestSha256, bundle.manifestSha256);
  const { data } = await verifyBundle(router, target, bundle.manifestSha256);
  for (const [name, bytes] of Object.entries(bundle.files)) assert.ok(Buffer.from(data.get(name)!).equals(Buffer.from(bytes)), name);
});
