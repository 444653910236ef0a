/**
 * The MLflow tracking server with the model registry: sqlite for metadata, artifacts in
 * the stack's S3 bucket. Artifacts are not proxied (`--no-serve-artifacts`), so a run's
 * artifact URI and a model version's source are plain `s3://` URIs that threatlab's
 * own S3 artifact store can read.
 */
import path from 'node:path';
import { fetchWithTimeout, waitReady } from './net.js';
import { startDaemon } from './proc.js';
import { BUCKET, S3_CREDENTIALS } from './paths.js';
import type { RunningService, StartContext } from './types.js';

export async function startMlflow(ctx: StartContext, port: number): Promise<RunningService> {
  const logFile = path.join(ctx.dir, 'mlflow.log');
  const pid = startDaemon({
    command: path.join(ctx.install.venv, 'bin', 'mlflow'),
    args: [
      'server',
      '--host', '127.0.0.1',
      '--port', String(port),
      '--backend-store-uri', `sqlite:///${path.join(ctx.dir, 'mlflow.db')}`,
      '--default-artifact-root', `s3://${BUCKET}/mlflow`,
      '--no-serve-artifacts',
      // One worker is plenty for tests and saves ~150 MB per extra worker.
      '--workers', '1',
      // MLflow 3's host-header check: clients here say 127.0.0.1 or localhost.
      '--allowed-hosts', `127.0.0.1:${port},localhost:${port},127.0.0.1,localhost`,
    ],
    cwd: ctx.dir,
    env: {
      ...process.env,
      MLFLOW_S3_ENDPOINT_URL: ctx.s3Endpoint,
      AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
      AWS_DEFAULT_REGION: S3_CREDENTIALS.region,
      PYTHONUNBUFFERED: '1',
    },
    logFile,
    pidFile: path.join(ctx.dir, 'pid'),
  });
  const address = `http://127.0.0.1:${port}`;
  await waitReady({ service: 'mlflow', pid, logFile, timeoutMs: ctx.timeoutMs, probe: () => mlflowAnswers(address) });
  return { name: 'mlflow', pid, port, address, logFile, startedAt: new Date().toISOString() };
}

/** Ready = the REST API answers (not just /health, which comes up before the stores). */
export async function mlflowAnswers(trackingUri: string): Promise<boolean> {
  const res = await fetchWithTimeout(`${trackingUri}/api/2.0/mlflow/experiments/search?max_results=1`);
  await res.body?.cancel();
  return res.ok;
}
