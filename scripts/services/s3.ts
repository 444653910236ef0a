/**
 * The S3-protocol server: moto in server mode from the cached venv, with the models
 * bucket created once it answers. moto keeps objects in memory, so a restart empties it.
 */
import path from 'node:path';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { waitReady } from './net.js';
import { startDaemon } from './proc.js';
import { BUCKET, S3_CREDENTIALS } from './paths.js';
import type { RunningService, StartContext } from './types.js';

export function s3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: S3_CREDENTIALS.region,
    forcePathStyle: true,
    credentials: { accessKeyId: S3_CREDENTIALS.accessKeyId, secretAccessKey: S3_CREDENTIALS.secretAccessKey },
    maxAttempts: 1,
  });
}

export async function startS3(ctx: StartContext, port: number): Promise<RunningService> {
  const logFile = path.join(ctx.dir, 's3.log');
  const pid = startDaemon({
    command: path.join(ctx.install.venv, 'bin', 'moto_server'),
    args: ['-H', '127.0.0.1', '-p', String(port)],
    cwd: ctx.dir,
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    logFile,
    pidFile: path.join(ctx.dir, 'pid'),
  });
  const address = `http://127.0.0.1:${port}`;
  await waitReady({ service: 's3', pid, logFile, timeoutMs: ctx.timeoutMs, probe: () => s3Answers(address) });
  await createBucket(address);
  return { name: 's3', pid, port, address, logFile, startedAt: new Date().toISOString() };
}

export async function s3Answers(endpoint: string): Promise<boolean> {
  const client = s3Client(endpoint);
  try {
    await client.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(3000) });
    return true;
  } finally {
    client.destroy();
  }
}

async function createBucket(endpoint: string): Promise<void> {
  const client = s3Client(endpoint);
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  } catch (err) {
    if ((err as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw err;
  } finally {
    client.destroy();
  }
}

