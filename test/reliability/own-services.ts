/**
 * Services a fault test may break: its OWN S3 server or Kafka broker, started through the
 * services module in a throwaway folder, so stopping them never disturbs the shared stack
 * other tests use. A restart comes back on the same port (clients keep their address);
 * Kafka keeps its data folder, moto starts empty (it keeps objects in memory).
 */
import fs from 'node:fs';
import path from 'node:path';
import { kafkaAnswers, startKafka } from '../../scripts/services/kafka.js';
import { freePort } from '../../scripts/services/net.js';
import { installPaths, servicesStateRoot } from '../../scripts/services/paths.js';
import { killDaemonNow, startDaemon, stopDaemon } from '../../scripts/services/proc.js';
import { startS3 } from '../../scripts/services/s3.js';
import type { RunningService } from '../../scripts/services/types.js';
import { uniqueName } from '../support/stack.js';
import { until } from './support.js';

export interface OwnService {
  readonly address: string;
  /** Stops it (SIGTERM, or SIGKILL when `hard`). */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  dispose(): Promise<void>;
}

function ownDir(kind: string): string {
  const dir = path.join(servicesStateRoot, `${uniqueName(`rel-${kind}`)}-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Killed outright if this process exits without disposing them (a failed assertion). */
const running = new Set<{ pid: number; dir: string }>();
process.once('exit', () => {
  for (const r of running) killDaemonNow(r.pid, r.dir);
});

abstract class Base implements OwnService {
  protected current: { pid: number; dir: string } | null = null;
  constructor(protected readonly dir: string, protected service: RunningService) {
    this.track(service.pid);
  }

  get address(): string {
    return this.service.address;
  }

  protected track(pid: number): void {
    this.current = { pid, dir: this.dir };
    running.add(this.current);
  }

  async stop(hard = false): Promise<void> {
    if (!this.current) return;
    if (hard) killDaemonNow(this.current.pid, this.dir);
    await stopDaemon(this.current.pid, this.dir, 10_000);
    running.delete(this.current);
    this.current = null;
  }

  abstract start(): Promise<void>;

  async dispose(): Promise<void> {
    await this.stop(true);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

class OwnS3 extends Base {
  async start(): Promise<void> {
    const service = await startS3({ dir: this.dir, install: installPaths(), s3Endpoint: this.service.address, timeoutMs: 60_000 }, this.service.port);
    this.service = service;
    this.track(service.pid);
  }
}

class OwnKafka extends Base {
  private readonly argv: string[];
  constructor(dir: string, service: RunningService) {
    super(dir, service);
    // The exact command line the services module used (same config, same port, same data).
    this.argv = fs.readFileSync(`/proc/${service.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  }

  async start(): Promise<void> {
    const [command, ...args] = this.argv;
    const pid = startDaemon({ command, args, cwd: this.dir, env: process.env, logFile: this.service.logFile, pidFile: path.join(this.dir, 'pid') });
    this.track(pid);
    await until(() => kafkaAnswers(this.service.address).catch(() => false), 'the restarted broker', 90_000);
  }
}

/** A moto S3 server of our own, with the `threatlab` bucket. */
export async function startOwnS3(): Promise<OwnService> {
  const dir = ownDir('s3');
  const port = await freePort();
  const service = await startS3({ dir, install: installPaths(), s3Endpoint: `http://127.0.0.1:${port}`, timeoutMs: 60_000 }, port);
  return new OwnS3(dir, service);
}

/** A single-node Kafka (KRaft) of our own. */
export async function startOwnKafka(): Promise<OwnService> {
  const dir = ownDir('kafka');
  const service = await startKafka({ dir, install: installPaths(), s3Endpoint: '', timeoutMs: 120_000 });
  return new OwnKafka(dir, service);
}
