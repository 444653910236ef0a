/**
 * `threatlab serve` as a child process (what a crash test must kill -9: an in-process
 * service cannot die without taking the test with it), plus a steady producer of
 * Activities and the probes that read what serving kept: a user's event count, as the
 * `user_event_count` feature computes it from a checkpoint.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Config } from '../../src/config/index.js';
import { FeatureEngine, featureIndex } from '../../src/features/index.js';
import type { ArtifactStore } from '../../src/registry/types.js';
import { CheckpointStore } from '../../src/serving/checkpoints.js';
import { joinUri } from '../../src/registry/index.js';
import { createLogger } from '../../src/serving/logger.js';
import type { BusProducer } from '../../src/streaming/index.js';
import { activity } from '../serving/fixtures.js';
import { until } from './support.js';

export interface ServeProcess {
  child: ChildProcess;
  address: string;
  stderr: () => string;
}

/** The env a child needs to serve `config` (topics, group, stores) over `brokers`. */
export function serveEnv(config: Readonly<Config>, extra: Record<string, string> = {}): Record<string, string> {
  const t = config.topics;
  return {
    THREATLAB_STATE_DIR: config.stateDir, THREATLAB_ARTIFACT_ROOT: config.artifactRoot,
    THREATLAB_TOPIC_ACTIVITIES: t.activities, THREATLAB_TOPIC_SCORES: t.scores, THREATLAB_TOPIC_ALERTS: t.alerts,
    THREATLAB_TOPIC_DLQ: t.deadLetter, THREATLAB_TOPIC_MODELS: t.models, THREATLAB_TOPIC_FEEDBACK: t.feedback,
    THREATLAB_TOPIC_CHECKPOINTS: t.checkpoints, THREATLAB_CONSUMER_GROUP: config.serve.consumerGroup,
    THREATLAB_KAFKA_CLIENT_ID: config.kafkaClientId, THREATLAB_LOG_LEVEL: 'warn', ...extra,
  };
}

/** Starts `threatlab serve --port 0` and resolves once /health answers 200 (model loaded, bus connected). */
export async function startServe(env: Record<string, string>, partitions: number): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--partitions', String(partitions)], {
    env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  let address = '';
  await until(() => {
    if (child.exitCode !== null) throw new Error(`threatlab serve exited with ${child.exitCode}: ${err.slice(-2000)}`);
    address = /threatlab serve: (http:\/\/[\d.:]+)/.exec(err)?.[1] ?? '';
    return address !== '';
  }, 'threatlab serve to listen', 90_000);
  await until(async () => (await fetch(`${address}/health`).catch(() => null))?.status === 200, 'threatlab serve to be ready', 60_000);
  return { child, address, stderr: () => err };
}

export async function stopServe(p: ServeProcess | null, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((resolve) => p.child.once('exit', resolve));
  p.child.kill(signal);
  await exited;
}

export interface SteadyOptions {
  users: number;
  perSend: number;
  pauseMs: number;
  /** Event ids are `${prefix}-N`. */
  prefix: string;
  /** The fixture's per-user event index to start at (later = later event time). */
  firstIndex?: number;
}

/** Produces `total` events over `users` users, `perSend` per send, `pauseMs` apart, until done or stopped. */
export class SteadyProducer {
  produced = 0;
  private readonly done: Promise<void>;

  constructor(private readonly producer: BusProducer, private readonly topic: string, readonly total: number, private readonly options: SteadyOptions) {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    const o = this.options;
    while (this.produced < this.total) {
      const n = Math.min(o.perSend, this.total - this.produced);
      const batch = Array.from({ length: n }, (_, k) => {
        const i = this.produced + k;
        const a = activity(i % o.users, (o.firstIndex ?? 40) + Math.floor(i / o.users), { id: `${o.prefix}-${i}` });
        return { key: a.user, value: Buffer.from(JSON.stringify(a)) };
      });
      // A send that fails (broker restarting) is retried: the producer is the test's, not the system under test.
      for (;;) {
        try {
          await this.producer.send(this.topic, batch);
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      this.produced += n;
      await new Promise((r) => setTimeout(r, o.pauseMs));
    }
  }

  finished(): Promise<void> {
    return this.done;
  }

  /** The ids of everything produced so far. */
  ids(): string[] {
    return Array.from({ length: this.produced }, (_, i) => `${this.options.prefix}-${i}`);
  }
}

/** user_event_count of `user` (index into the fixture population) as these profile bytes hold it. */
export function userEventCount(profiles: Uint8Array, user: number): number {
  const engine = FeatureEngine.restore(profiles);
  const out = new Float32Array(engine.dim);
  engine.extract(activity(user, 400), out, 0);
  return out[featureIndex('user_event_count')];
}

/** The latest checkpoint of one partition of the activities topic, as serving wrote it. */
export async function readCheckpoint(store: ArtifactStore, config: Readonly<Config>, featureSpecHash: string, partition: number): Promise<Uint8Array | null> {
  const root = joinUri(config.artifactRoot, 'checkpoints', encodeURIComponent(config.serve.consumerGroup));
  return new CheckpointStore(store, root, featureSpecHash, createLogger('silent')).load(config.topics.activities, partition);
}
