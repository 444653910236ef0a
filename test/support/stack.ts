/**
 * The real services for integration tests — Kafka, an S3 server (moto) and MLflow — on
 * loopback. Nothing here is mocked.
 *
 *   import { requireStack, uniqueName } from '../support/stack.js';
 *   const env = await requireStack(['kafka']);          // in before() or at the top of a test
 *   const topic = uniqueName('scores');                  // never collides with another test
 *   const config = loadConfig({ ...process.env, ...env });
 *
 * `requireStack(parts?)` resolves to the variables clients need (StackEnv). When the
 * environment already names a service (KAFKA_BROKERS, AWS_ENDPOINT_URL or
 * MLFLOW_S3_ENDPOINT_URL, MLFLOW_TRACKING_URI) — as `npm test` does after starting one
 * stack for all files, or a user with `eval "$(npm run -s services -- env)"` — those
 * services are used as given. Otherwise this process starts the missing ones itself
 * (a file run on its own: `node --import tsx --test test/x.test.ts`) in
 * `.state/services/test-<pid>/`, exports their variables into `process.env`, and kills
 * them when the process exits. Calls are cheap after the first: one stack per process.
 * Parts default to all three; 'mlflow' brings 's3' (its artifact store) with it.
 * Fields of parts that were neither requested nor already set are ''.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { BUCKET, servicesStateRoot } from '../../scripts/services/paths.js';
import { kafkaAnswers } from '../../scripts/services/kafka.js';
import { mlflowAnswers } from '../../scripts/services/mlflow.js';
import { isAlive, killDaemonNow } from '../../scripts/services/proc.js';
import { s3Answers } from '../../scripts/services/s3.js';
import { readPid, stackEnv, upStack, type StackState } from '../../scripts/services/stack.js';
import type { ServiceName } from '../../scripts/services/types.js';

// The AWS SDK warns in every Node 20 process that it wants Node 22 from 2027 — noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export type StackPart = 'kafka' | 's3' | 'mlflow';

export interface StackEnv {
  /** host:port[,host:port] for kafkajs `brokers`. */
  KAFKA_BROKERS: string;
  /** http://127.0.0.1:PORT of the MLflow tracking server + model registry. */
  MLFLOW_TRACKING_URI: string;
  /** S3 endpoint (path-style addressing). */
  AWS_ENDPOINT_URL: string;
  MLFLOW_S3_ENDPOINT_URL: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_REGION: string;
  /** s3://threatlab/models — where bundles go; the bucket exists. */
  THREATLAB_ARTIFACT_ROOT: string;
  /**
   * 'when_required': moto's checksum on multipart GETs is not the composite one real S3
   * sends, so SDK response validation must be off by default (verify sha256 yourself).
   */
  AWS_RESPONSE_CHECKSUM_VALIDATION: string;
}

/** The bucket the stack creates; put test objects under a `uniqueName()` prefix in it. */
export const STACK_BUCKET = BUCKET;

const ENV_KEYS: ReadonlyArray<keyof StackEnv> = [
  'KAFKA_BROKERS', 'MLFLOW_TRACKING_URI', 'AWS_ENDPOINT_URL', 'MLFLOW_S3_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'THREATLAB_ARTIFACT_ROOT', 'AWS_RESPONSE_CHECKSUM_VALIDATION',
];

function providedBy(env: NodeJS.ProcessEnv, part: StackPart): boolean {
  if (part === 'kafka') return Boolean(env.KAFKA_BROKERS);
  if (part === 'mlflow') return Boolean(env.MLFLOW_TRACKING_URI);
  return Boolean(env.AWS_ENDPOINT_URL || env.MLFLOW_S3_ENDPOINT_URL);
}

/** Given services: fill the S3 defaults the stack would have used. */
function fromProcessEnv(): StackEnv {
  const env = process.env;
  const s3Endpoint = env.AWS_ENDPOINT_URL || env.MLFLOW_S3_ENDPOINT_URL || '';
  const s3Given = s3Endpoint !== '';
  return {
    KAFKA_BROKERS: env.KAFKA_BROKERS ?? '',
    MLFLOW_TRACKING_URI: env.MLFLOW_TRACKING_URI ?? '',
    AWS_ENDPOINT_URL: s3Endpoint,
    MLFLOW_S3_ENDPOINT_URL: env.MLFLOW_S3_ENDPOINT_URL || s3Endpoint,
    AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID || (s3Given ? 'test' : ''),
    AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY || (s3Given ? 'test' : ''),
    AWS_REGION: env.AWS_REGION || env.AWS_DEFAULT_REGION || (s3Given ? 'us-east-1' : ''),
    THREATLAB_ARTIFACT_ROOT: env.THREATLAB_ARTIFACT_ROOT || (s3Given ? `s3://${BUCKET}/models` : ''),
    AWS_RESPONSE_CHECKSUM_VALIDATION: env.AWS_RESPONSE_CHECKSUM_VALIDATION || (s3Given ? 'when_required' : ''),
  };
}

let ownStack: { dir: string; state: Promise<StackState> } | undefined;
let pending: Promise<unknown> = Promise.resolve();

/** See the comment at the top of this file. */
export async function requireStack(parts: StackPart[] = ['kafka', 's3', 'mlflow']): Promise<StackEnv> {
  // Serialised, so two concurrent calls asking for different parts cannot race.
  const result = pending.then(() => ensure(parts));
  pending = result.catch(() => undefined);
  return result;
}

/** Given services are checked once, so a stale exported variable fails fast and says which. */
const checked = new Set<StackPart>();

async function checkGiven(part: StackPart, env: StackEnv): Promise<void> {
  if (checked.has(part)) return;
  const [variable, address, probe] =
    part === 'kafka' ? ['KAFKA_BROKERS', env.KAFKA_BROKERS, () => kafkaAnswers(env.KAFKA_BROKERS.split(',')[0])] as const
    : part === 's3' ? ['AWS_ENDPOINT_URL', env.AWS_ENDPOINT_URL, () => s3Answers(env.AWS_ENDPOINT_URL)] as const
    : ['MLFLOW_TRACKING_URI', env.MLFLOW_TRACKING_URI, () => mlflowAnswers(env.MLFLOW_TRACKING_URI)] as const;
  let reason = 'no healthy answer';
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      if (await probe()) {
        checked.add(part);
        return;
      }
    } catch (err) {
      reason = err instanceof Error ? err.message : String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${variable}=${address} is set, but the ${part} service there does not answer (${reason}); start it (npm run services -- up) or unset ${variable}`);
}

async function ensure(parts: StackPart[]): Promise<StackEnv> {
  const missing = parts.filter((part) => !providedBy(process.env, part));
  const given = parts.filter((part) => providedBy(process.env, part));
  if (missing.length > 0) {
    const state = await startOwn(missing);
    for (const [name, value] of Object.entries(stackEnv(state))) {
      if (!process.env[name]) process.env[name] = value;
    }
  }
  const env = fromProcessEnv();
  for (const part of given) await checkGiven(part, env);
  for (const key of ENV_KEYS) if (env[key] && !process.env[key]) process.env[key] = env[key];
  return env;
}

async function startOwn(parts: ServiceName[]): Promise<StackState> {
  if (!ownStack) {
    pruneDeadTestStacks();
    const dir = path.join(servicesStateRoot, `test-${process.pid}`);
    ownStack = { dir, state: Promise.resolve({ dir, services: {} }) };
    registerCleanup(dir);
  }
  const dir = ownStack.dir;
  ownStack.state = upStack({ dir, parts, log: (line) => process.stderr.write(`[test stack] ${line}\n`) });
  return ownStack.state;
}

/**
 * On exit nothing asynchronous runs, so the test stack is killed outright (its data is
 * throwaway) and its folder removed; a folder left by a killed run is pruned next time.
 */
function registerCleanup(dir: string): void {
  const cleanup = () => {
    for (const name of ['kafka', 's3', 'mlflow']) {
      const pid = readPid(path.join(dir, name, 'pid'));
      if (pid) killDaemonNow(pid, path.join(dir, name));
    }
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  process.once('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanup();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

function pruneDeadTestStacks(): void {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(servicesStateRoot);
  } catch {
    return;
  }
  for (const entry of entries) {
    const owner = /^test-(\d+)$/.exec(entry);
    if (!owner || isAlive(Number(owner[1]))) continue;
    const dir = path.join(servicesStateRoot, entry);
    for (const name of ['kafka', 's3', 'mlflow']) {
      const pid = readPid(path.join(dir, name, 'pid'));
      if (pid) killDaemonNow(pid, path.join(dir, name));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A name no other test (or earlier run against a long-lived stack) uses: valid as a
 * Kafka topic, consumer group, S3 key prefix, MLflow experiment or model name.
 */
export function uniqueName(prefix: string): string {
  const safe = prefix.toLowerCase().replace(/[^a-z0-9._-]+/g, '-');
  return `${safe}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** An S3 client for the stack's endpoint (path-style, the stack's credentials). */
export function stackS3Client(env: StackEnv): S3Client {
  return new S3Client({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION || 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    responseChecksumValidation: env.AWS_RESPONSE_CHECKSUM_VALIDATION === 'when_supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED',
  });
}
