/**
 * A stack = the three local services recorded in `<dir>/stack.json`. `upStack` starts
 * what is missing (idempotent), `downStack` stops what is recorded; both work from any
 * process because pids and ports live in the state file. A lock folder keeps two `up`s
 * on the same stack from racing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startKafka, kafkaAnswers } from './kafka.js';
import { startMlflow, mlflowAnswers } from './mlflow.js';
import { freePort } from './net.js';
import { installPaths, BUCKET, KAFKA_VERSION, S3_CREDENTIALS, type InstallPaths } from './paths.js';
import { isAlive, isDaemon, sleep, stopDaemon } from './proc.js';
import { startS3, s3Answers } from './s3.js';
import { SERVICE_NAMES, type RunningService, type ServiceName } from './types.js';

export interface StackState {
  dir: string;
  services: Partial<Record<ServiceName, RunningService>>;
}

export interface UpOptions {
  dir: string;
  parts?: readonly ServiceName[];
  /** Per-service readiness deadline; the services start in parallel, so this bounds the whole `up`. */
  timeoutMs?: number;
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

const stateFile = (dir: string) => path.join(dir, 'stack.json');

export function readStack(dir: string): StackState {
  try {
    const parsed = JSON.parse(fs.readFileSync(stateFile(dir), 'utf8')) as StackState;
    return { dir, services: parsed.services ?? {} };
  } catch {
    return { dir, services: {} };
  }
}

function writeStack(state: StackState): void {
  const tmp = `${stateFile(state.dir)}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state, null, 2));
  fs.renameSync(tmp, stateFile(state.dir));
}

/** Mlflow keeps its artifacts in S3, so asking for it brings S3 along. */
function withDependencies(parts: readonly ServiceName[]): ServiceName[] {
  const wanted = new Set(parts);
  if (wanted.has('mlflow')) wanted.add('s3');
  return SERVICE_NAMES.filter((name) => wanted.has(name));
}

export function missingInstall(install: InstallPaths, parts: readonly ServiceName[]): string[] {
  const needs: Array<[boolean, string]> = [
    [parts.includes('kafka'), path.join(install.kafkaLibs, `kafka_2.13-${KAFKA_VERSION}.jar`)],
    [parts.includes('s3'), path.join(install.venv, 'bin', 'moto_server')],
    [parts.includes('mlflow'), path.join(install.venv, 'bin', 'mlflow')],
  ];
  return needs.filter(([needed, file]) => needed && !fs.existsSync(file)).map(([, file]) => file);
}

async function answers(service: RunningService): Promise<boolean> {
  if (!isDaemon(service.pid, path.dirname(service.logFile))) return false;
  try {
    if (service.name === 'kafka') return await kafkaAnswers(service.address);
    if (service.name === 's3') return await s3Answers(service.address);
    return await mlflowAnswers(service.address);
  } catch {
    return false;
  }
}

/** Starts the requested services that are not already up; returns the stack's state. */
export async function upStack(options: UpOptions): Promise<StackState> {
  const log = options.log ?? (() => undefined);
  const parts = withDependencies(options.parts ?? SERVICE_NAMES);
  const install = installPaths(options.env);
  const missing = missingInstall(install, parts);
  if (missing.length > 0) {
    throw new Error(`services are not installed (missing ${missing.join(', ')}); run: npm run services -- install`);
  }
  fs.mkdirSync(options.dir, { recursive: true });
  return withLock(options.dir, async () => {
    const state = readStack(options.dir);
    const toStart: ServiceName[] = [];
    for (const name of parts) {
      const known = state.services[name];
      if (known && (await answers(known))) {
        log(`${name}: already up at ${known.address}`);
      } else {
        if (known) await stopDaemon(known.pid, path.dirname(known.logFile), 2000);
        delete state.services[name];
        toStart.push(name);
      }
    }
    if (toStart.length === 0) return state;
    writeStack(state);

    const timeoutMs = options.timeoutMs ?? 90_000;
    const s3Port = state.services.s3?.port ?? (await freePort());
    const s3Endpoint = `http://127.0.0.1:${s3Port}`;
    const context = (name: ServiceName) => {
      const dir = path.join(options.dir, name);
      fs.mkdirSync(dir, { recursive: true });
      return { dir, install, s3Endpoint, timeoutMs };
    };
    const starters: Record<ServiceName, () => Promise<RunningService>> = {
      kafka: () => startKafka(context('kafka')),
      s3: () => startS3(context('s3'), s3Port),
      mlflow: async () => startMlflow(context('mlflow'), await freePort()),
    };
    log(`starting ${toStart.join(', ')} (logs in ${options.dir})`);
    const results = await Promise.allSettled(
      toStart.map(async (name) => {
        const started = Date.now();
        const service = await starters[name]();
        state.services[name] = service;
        writeStack(state);
        log(`${name}: up at ${service.address} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return service;
      }),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length > 0) {
      // Leave nothing half-started: a failed `up` stops what this call began and its
      // orphans (a daemon whose readiness failed is not in the state file yet).
      await stopOrphans(options.dir);
      for (const name of toStart) {
        const service = state.services[name];
        if (service) await stopDaemon(service.pid, path.dirname(service.logFile), 5000);
        delete state.services[name];
      }
      writeStack(state);
      throw new Error(failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason))).join('\n\n'));
    }
    return state;
  });
}

/** Each daemon writes its pid to `<dir>/<service>/pid` as soon as it is spawned. */
async function stopOrphans(dir: string): Promise<void> {
  const recorded = new Set(Object.values(readStack(dir).services).map((s) => s.pid));
  for (const name of SERVICE_NAMES) {
    const pid = readPid(path.join(dir, name, 'pid'));
    if (pid && !recorded.has(pid)) await stopDaemon(pid, path.join(dir, name), 5000);
  }
}

export function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Stops every recorded service (SIGTERM, then SIGKILL after a grace period). */
export async function downStack(dir: string, log: (line: string) => void = () => undefined): Promise<void> {
  if (!fs.existsSync(dir)) return;
  await withLock(dir, async () => {
    const state = readStack(dir);
    // MLflow first: it talks to S3 while shutting down; Kafka's own shutdown is the slowest.
    for (const name of ['mlflow', 's3', 'kafka'] as const) {
      const service = state.services[name];
      if (!service) continue;
      await stopDaemon(service.pid, path.dirname(service.logFile));
      delete state.services[name];
      writeStack(state);
      log(`${name}: stopped`);
    }
    await stopOrphans(dir);
  });
}

export interface ServiceStatus {
  name: ServiceName;
  up: boolean;
  address: string;
  port: number | undefined;
  pid: number | undefined;
}

export async function stackStatus(dir: string): Promise<ServiceStatus[]> {
  const state = readStack(dir);
  return Promise.all(
    SERVICE_NAMES.map(async (name) => {
      const service = state.services[name];
      return {
        name,
        up: service ? await answers(service) : false,
        address: service?.address ?? '',
        port: service?.port,
        pid: service?.pid,
      };
    }),
  );
}

/** The variables clients need; only those of services that are recorded in the stack. */
export function stackEnv(state: StackState): Record<string, string> {
  const env: Record<string, string> = {};
  const { kafka, s3, mlflow } = state.services;
  if (kafka) env.KAFKA_BROKERS = kafka.address;
  if (mlflow) env.MLFLOW_TRACKING_URI = mlflow.address;
  if (s3) {
    env.AWS_ENDPOINT_URL = s3.address;
    env.MLFLOW_S3_ENDPOINT_URL = s3.address;
    env.AWS_ACCESS_KEY_ID = S3_CREDENTIALS.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = S3_CREDENTIALS.secretAccessKey;
    env.AWS_REGION = S3_CREDENTIALS.region;
    env.AWS_DEFAULT_REGION = S3_CREDENTIALS.region;
    env.THREATLAB_ARTIFACT_ROOT = `s3://${BUCKET}/models`;
    // moto answers GetObject on a multipart object with a whole-object CRC32 that is not
    // the composite checksum real S3 sends, and the SDK (JS and boto3 alike) rejects the
    // body. Our readers verify sha256 themselves, so validate only where S3 requires it.
    env.AWS_RESPONSE_CHECKSUM_VALIDATION = 'when_required';
  }
  return env;
}

function lockAgeMs(lock: string): number {
  try {
    return Date.now() - fs.statSync(lock).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * A lock folder with the holder's pid. A holder that died leaves a stale lock, which
 * the next caller takes over; a live holder is waited for (bounded).
 */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(dir, '.lock');
  const deadline = Date.now() + 150_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readPid(path.join(lock, 'pid'));
      const stale = holder === undefined ? lockAgeMs(lock) > 10_000 : !isAlive(holder);
      if (stale) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`stack ${dir} is locked by process ${holder ?? '?'}`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
