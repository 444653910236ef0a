/**
 * Proof that MLflow is real: through its REST API, create an experiment and a run, log
 * a param and a metric, register a model with a version whose source is an s3:// URI
 * (a real object in the stack's S3 server), point the `champion` alias at it, and read
 * the version back by alias — then follow its source to the object.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { STACK_BUCKET, requireStack, stackS3Client, uniqueName, type StackEnv } from '../support/stack.js';

let env: StackEnv;

before(async () => {
  env = await requireStack(['mlflow', 's3']);
});

/** One MLflow REST call; a non-2xx answer fails with MLflow's own error message. */
async function mlflow<T>(method: 'GET' | 'POST', endpoint: string, body: Record<string, unknown> = {}): Promise<T> {
  const url = new URL(`/api/2.0/mlflow/${endpoint}`, env.MLFLOW_TRACKING_URI);
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  if (method === 'GET') for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
  else init.body = JSON.stringify(body);
  const res = await fetch(url, init);
  const text = await res.text();
  assert.ok(res.ok, `${method} ${endpoint} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

interface ModelVersion { name: string; version: string; source: string; run_id: string; aliases?: string[]; status: string }

test('experiment, run, param, metric, registered model, s3:// version, champion alias read back', async () => {
  const experimentName = uniqueName('it-experiment');
  const { experiment_id } = await mlflow<{ experiment_id: string }>('POST', 'experiments/create', { name: experimentName });

  const { run } = await mlflow<{ run: { info: { run_id: string; artifact_uri: string } } }>('POST', 'runs/create', {
    experiment_id, run_name: 'integration', start_time: Date.now(),
  });
  const runId = run.info.run_id;
  assert.match(run.info.artifact_uri, new RegExp(`^s3://${STACK_BUCKET}/`), 'run artifacts live in the stack bucket');
  await mlflow('POST', 'runs/log-parameter', { run_id: runId, key: 'k', value: '8' });
  await mlflow('POST', 'runs/log-metric', { run_id: runId, key: 'auc', value: 0.931, timestamp: Date.now(), step: 0 });

  const fetched = await mlflow<{ run: { data: { params: Array<{ key: string; value: string }>; metrics: Array<{ key: string; value: number }> } } }>(
    'GET', 'runs/get', { run_id: runId },
  );
  assert.deepEqual(fetched.run.data.params, [{ key: 'k', value: '8' }]);
  assert.equal(fetched.run.data.metrics.find((m) => m.key === 'auc')?.value, 0.931);

  // The bundle the version points at exists in S3, as a real one would.
  const modelName = uniqueName('it-model');
  const prefix = `models/${modelName}/1`;
  const manifest = JSON.stringify({ model: modelName, runId });
  const s3 = stackS3Client(env);
  await s3.send(new PutObjectCommand({ Bucket: STACK_BUCKET, Key: `${prefix}/manifest.json`, Body: manifest }));
  const source = `s3://${STACK_BUCKET}/${prefix}`;

  await mlflow('POST', 'registered-models/create', { name: modelName });
  const created = await mlflow<{ model_version: ModelVersion }>('POST', 'model-versions/create', { name: modelName, source, run_id: runId });
  assert.equal(created.model_version.version, '1');
  await mlflow('POST', 'registered-models/alias', { name: modelName, alias: 'champion', version: created.model_version.version });

  const { model_version: champion } = await mlflow<{ model_version: ModelVersion }>('GET', 'registered-models/alias', { name: modelName, alias: 'champion' });
  assert.equal(champion.name, modelName);
  assert.equal(champion.version, '1');
  assert.equal(champion.source, source);
  assert.equal(champion.run_id, runId);
  assert.deepEqual(champion.aliases, ['champion']);

  const bucketAndKey = /^s3:\/\/([^/]+)\/(.+)$/.exec(champion.source)!;
  const object = await s3.send(new GetObjectCommand({ Bucket: bucketAndKey[1], Key: `${bucketAndKey[2]}/manifest.json` }));
  assert.equal(await object.Body!.transformToString(), manifest);
});
