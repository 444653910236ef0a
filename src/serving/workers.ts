/**
 * `serve --workers N`: one instance as N worker processes, one per core. A Node process
 * scores on one core, and a consumer group already splits partitions between members, so
 * each worker is a whole service (consumer-group member, model follower, HTTP server);
 * node:cluster lets them share the HTTP port. The primary only supervises: it restarts a
 * worker that dies (its partitions move to the others meanwhile: at-least-once, nothing
 * lost), forwards SIGTERM, and answers /metrics for the whole instance by collecting every
 * worker's registry (prom-client's AggregatorRegistry: counters and histograms add up).
 * /health and /v1/model answer for the worker that takes the request.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { AggregatorRegistry, type Registry } from 'prom-client';

const METRICS_REQ = 'threatlab:metrics-req';
const METRICS_RES = 'threatlab:metrics-res';
const LISTENING = 'threatlab:listening';
/** A worker that dies this many times within CRASH_WINDOW_MS is not restarted again: the instance exits. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 1_000;

interface WorkerMessage {
  type?: string;
  id?: number;
  text?: string;
  error?: string;
  address?: string;
}

export const isWorkerProcess = (): boolean => cluster.isWorker;

/**
 * Runs the primary: forks `count` workers (each re-runs this command with
 * THREATLAB_WORKER_ID set) and supervises them until a signal or a crash loop.
 * Resolves with the exit status.
 */
export async function runPrimary(options: { count: number; logger: Logger; onListening?: (address: string) => void }): Promise<number> {
  const { count, logger } = options;
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  let announced = false;
  const crashes: number[] = [];
  let exitCode = 0;

  const fork = (slot: number): Worker => {
    const worker = cluster.fork({ THREATLAB_WORKER_ID: String(slot) });
    worker.on('message', (msg: WorkerMessage) => {
      if (msg?.type === METRICS_REQ) {
        aggregator.clusterMetrics().then(
          (text) => worker.send({ type: METRICS_RES, id: msg.id, text }),
          (err: Error) => worker.send({ type: METRICS_RES, id: msg.id, error: err.message }),
        );
      } else if (msg?.type === LISTENING && msg.address && !announced) {
        announced = true;
        options.onListening?.(msg.address);
      }
    });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      crashes.push(now);
      while (crashes.length && now - crashes[0] > CRASH_WINDOW_MS) crashes.shift();
      if (crashes.length >= MAX_CRASHES) {
        logger.error({ worker: slot, code, signal, crashes: crashes.length }, 'workers keep dying; stopping the instance');
        exitCode = typeof code === 'number' && code !== 0 ? code : 1;
        void stopAll();
        return;
      }
      logger.error({ worker: slot, code, signal }, 'worker exited; restarting it (its partitions move to the other workers meanwhile)');
      setTimeout(() => { if (!stopping) fork(slot); }, RESTART_DELAY_MS);
    });
    return worker;
  };

  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    await Promise.all(live.map((w) => new Promise<void>((resolve) => {
      w.once('exit', (code) => {
        if (code && !exitCode) exitCode = code;
        resolve();
      });
      // Each worker stops gracefully on SIGTERM: checkpoints, then leaves the group.
      w.process.kill('SIGTERM');
    })));
    resolveDone();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping the workers');
    process.once(signal, () => process.exit(130));
    void stopAll();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  for (let i = 1; i <= count; i++) fork(i);
  logger.info({ workers: count }, 'serving with worker processes');
  await done;
  return exitCode;
}

/** In a worker: makes this registry's metrics part of the primary's aggregate. */
export function shareMetrics(registry: Registry): void {
  new AggregatorRegistry(); // registers prom-client's worker-side listener
  AggregatorRegistry.setRegistries([registry]);
}

/** In a worker: the whole instance's metrics, collected by the primary from every worker. */
export function instanceMetrics(timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const id = Math.floor(Math.random() * 2 ** 31);
    const onMessage = (msg: WorkerMessage) => {
      if (msg?.type !== METRICS_RES || msg.id !== id) return;
      cleanup();
      if (msg.error) reject(new Error(`metrics from the workers: ${msg.error}`));
      else resolve(msg.text ?? '');
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the primary did not answer for the workers' metrics within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    process.send?.({ type: METRICS_REQ, id });
  });
}

/** In a worker: tells the primary the HTTP address (the primary prints it once). */
export function announceListening(address: string): void {
  process.send?.({ type: LISTENING, address });
}
