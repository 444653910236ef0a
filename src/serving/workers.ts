/**
 * `serve --workers N`: one instance as N worker processes, one per core. A Node process
 * scores on one core, and a consumer group already splits partitions between members, so
 * each worker is a whole service (consumer-group member, model follower, HTTP server);
 * node:cluster lets them share the HTTP port. The primary only supervises: it restarts a
 * worker that dies (its partitions move to the others meanwhile: at-least-once, nothing
 * lost), forwards SIGTERM, and answers a worker's questions about the whole instance:
 * /metrics (prom-client's AggregatorRegistry: counters and histograms add up), and every
 * worker's own report (model, readiness, shadow counts) so that /health and /v1/model
 * describe the instance whichever worker takes the request.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** worker → primary: a question about the instance; primary → worker: its answer. */
const ASK = 'threatlab:ask';
const ANSWER = 'threatlab:answer';
/** primary → every worker: "your report, please"; worker → primary: the report. */
const REPORT_REQ = 'threatlab:report-req';
const REPORT_RES = 'threatlab:report-res';
const LISTENING = 'threatlab:listening';
/** A worker that dies this many times within CRASH_WINDOW_MS is not restarted again: the instance exits. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 1_000;
/** How long the primary waits for each worker's report: a worker busy with a long batch still answers within this. */
const REPORT_TIMEOUT_MS = 2_000;

type Topic = 'metrics' | 'reports';

interface WorkerMessage {
  type?: string;
  id?: number;
  topic?: Topic;
  text?: string;
  reports?: WorkerReport[];
  report?: unknown;
  error?: string;
  address?: string;
}

/** One worker's answer, or why there is none (restarting, or too slow to answer). */
export interface WorkerReport {
  worker: number;
  /** Serving HTTP: false while the slot's worker is restarting or still starting (it takes no connections then). */
  running: boolean;
  report: unknown;
  problem?: string;
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

  /** The live worker in each slot (a slot is empty while its worker restarts). */
  const bySlot = new Map<number, Worker>();
  /** Workers that have said they listen: only they take connections, and only they answer reports. */
  const listening = new WeakSet<Worker>();
  let nextReportId = 0;

  /** Report requests waiting for their worker's answer, by request id (one message listener per worker, not per request). */
  const pending = new Map<number, { worker: Worker; done: (answer: WorkerMessage | null) => void }>();

  /** Every slot's report; a dead or silent worker is listed with the reason. */
  const gatherReports = (): Promise<WorkerReport[]> => Promise.all(Array.from({ length: count }, (_, i) => {
    const slot = i + 1;
    const worker = bySlot.get(slot);
    const gone: WorkerReport = { worker: slot, running: false, report: null, problem: 'not running (restarting)' };
    // A killed worker is dead before the primary hears of its exit: its IPC channel closes first.
    if (!worker || worker.isDead() || !worker.isConnected()) return gone;
    if (!listening.has(worker)) return { worker: slot, running: false, report: null, problem: 'starting' };
    const id = ++nextReportId;
    return new Promise<WorkerReport>((resolve) => {
      const timer = setTimeout(() => finish(undefined), REPORT_TIMEOUT_MS);
      /** The answer; null when the worker went away; undefined when it did not answer in time. */
      const finish = (answer: WorkerMessage | null | undefined) => {
        clearTimeout(timer);
        pending.delete(id);
        if (answer === null) resolve(gone);
        else if (answer === undefined) resolve({ worker: slot, running: true, report: null, problem: `no answer within ${REPORT_TIMEOUT_MS} ms` });
        else resolve({ worker: slot, running: true, report: answer.report ?? null, ...(answer.error ? { problem: answer.error } : {}) });
      };
      pending.set(id, { worker, done: finish });
      worker.send({ type: REPORT_REQ, id });
    });
  }));

  const answer = (worker: Worker, msg: WorkerMessage) => {
    const work: Promise<Partial<WorkerMessage>> = msg.topic === 'metrics'
      ? aggregator.clusterMetrics().then((text) => ({ text }))
      : msg.topic === 'reports' ? gatherReports().then((reports) => ({ reports }))
      : Promise.reject(new Error(`unknown question ${String(msg.topic)}`));
    // The asking worker may have died while the others answered.
    const reply = (body: Partial<WorkerMessage>) => { if (worker.isConnected()) worker.send({ type: ANSWER, id: msg.id, ...body }); };
    work.then(reply, (err: Error) => reply({ error: err.message }));
  };

  const fork = (slot: number): Worker => {
    const worker = cluster.fork({ THREATLAB_WORKER_ID: String(slot) });
    bySlot.set(slot, worker);
    worker.on('message', (msg: WorkerMessage) => {
      if (msg?.type === ASK) {
        answer(worker, msg);
      } else if (msg?.type === REPORT_RES && typeof msg.id === 'number') {
        pending.get(msg.id)?.done(msg);
      } else if (msg?.type === LISTENING && msg.address) {
        listening.add(worker);
        if (!announced) {
          announced = true;
          options.onListening?.(msg.address);
        }
      }
    });
    worker.on('disconnect', () => {
      for (const p of [...pending.values()]) if (p.worker === worker) p.done(null);
    });
    worker.on('exit', (code, signal) => {
      if (bySlot.get(slot) === worker) bySlot.delete(slot);
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

/** In a worker: asks the primary a question about the whole instance. */
function askPrimary(topic: Topic, timeoutMs: number): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const id = Math.floor(Math.random() * 2 ** 31);
    const onMessage = (msg: WorkerMessage) => {
      if (msg?.type !== ANSWER || msg.id !== id) return;
      cleanup();
      if (msg.error) reject(new Error(`${topic} from the workers: ${msg.error}`));
      else resolve(msg);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`the primary did not answer for the workers' ${topic} within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    process.send?.({ type: ASK, id, topic });
  });
}

/** In a worker: the whole instance's metrics, collected by the primary from every worker. */
export async function instanceMetrics(timeoutMs = 5_000): Promise<string> {
  return (await askPrimary('metrics', timeoutMs)).text ?? '';
}

/** In a worker: every worker's report (this one's included), collected by the primary. */
export async function instanceReports(timeoutMs = REPORT_TIMEOUT_MS + 1_000): Promise<WorkerReport[]> {
  return (await askPrimary('reports', timeoutMs)).reports ?? [];
}

/** In a worker: answers the primary's report requests with `report()` (plain data: it crosses IPC). */
export function shareReports(report: () => unknown): () => void {
  const onMessage = (msg: WorkerMessage) => {
    if (msg?.type !== REPORT_REQ) return;
    try {
      process.send?.({ type: REPORT_RES, id: msg.id, report: report() });
    } catch (err) {
      process.send?.({ type: REPORT_RES, id: msg.id, error: (err as Error).message });
    }
  };
  process.on('message', onMessage);
  return () => process.off('message', onMessage);
}

/** In a worker: tells the primary the HTTP address (the primary prints it once). */
export function announceListening(address: string): void {
  process.send?.({ type: LISTENING, address });
}
