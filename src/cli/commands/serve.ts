/**
 * `threatlab serve`: the stream scorer and the HTTP API in one process. Reads the
 * activities topic as a member of the consumer group, follows the model topic, and
 * serves /v1/score, /v1/model, /v1/feedback, /health, /metrics and /docs.
 */
import { loadConfig } from '../../config/index.js';
import { ThreatlabError } from '../../errors/index.js';
import { createLogger } from '../../serving/logger.js';
import { startService, type Service } from '../../serving/service.js';
import { applyHeapGrowth } from '../../serving/heap-growth.js';
import { announceListening, isWorkerProcess, runPrimary } from '../../serving/workers.js';
import { boolFlag, intFlag, stringFlag } from '../args.js';
import type { Command } from '../command.js';

/** Resolves on SIGINT/SIGTERM (a second signal exits at once). */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      process.once(signal, () => process.exit(130));
      resolve(signal);
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'score the activities topic with the promoted model, hot-swap on promotion, serve the HTTP API',
  usage: 'serve [--shadow ALIAS] [--port N] [--host ADDR] [--workers N] [--once]',
  options: {
    shadow: { type: 'string', valueName: 'ALIAS', description: 'also score with this alias (e.g. challenger) and report it; its alerts are never emitted' },
    port: { type: 'string', valueName: 'N', description: 'HTTP port (default: THREATLAB_HTTP_PORT or 8080; 0 = any free port)' },
    host: { type: 'string', valueName: 'ADDR', description: 'HTTP address (default: THREATLAB_HTTP_HOST or 127.0.0.1)' },
    partitions: { type: 'string', valueName: 'N', description: 'partitions of the activities topic when serve creates it', default: '6' },
    workers: { type: 'string', valueName: 'N', description: 'worker processes, one per core: each scores its share of the partitions; they share the HTTP port (default: THREATLAB_WORKERS or 1)' },
    once: { type: 'boolean', description: 'exit once the activities topic is drained (a batch job instead of a service)' },
  },
  async run(args, ctx) {
    const port = intFlag(args, 'port', -1, { min: 0, max: 65535 });
    const partitions = intFlag(args, 'partitions', 6, { min: 1, max: 1024 });
    const shadow = stringFlag(args, 'shadow');
    const host = stringFlag(args, 'host');
    const workers = intFlag(args, 'workers', -1, { min: 1, max: 64 });
    const config = loadConfig(ctx.env, {
      model: shadow ? { shadowAlias: shadow } : {},
      serve: { ...(port >= 0 ? { httpPort: port } : {}), ...(host ? { httpHost: host } : {}), ...(workers > 0 ? { workers } : {}) },
    });
    const worker = isWorkerProcess();
    applyHeapGrowth(config.serve.heapGrowthPercent);
    if (config.serve.workers > 1 && !worker) {
      if (boolFlag(args, 'once')) throw new ThreatlabError('THREATLAB_USAGE', '--once drains the topic in one process: leave out --workers (or set it to 1)');
      return runPrimary({
        count: config.serve.workers,
        logger: createLogger(config.logLevel),
        onListening: (address) => ctx.err.write(`threatlab serve: ${address} (${config.serve.workers} workers, model: ${config.model.name}@${config.model.alias}${shadow ? `, shadow @${shadow}` : ''}); Ctrl-C stops\n`),
      });
    }
    const service: Service = await startService({ config, listen: !boolFlag(args, 'once'), partitions, worker });
    try {
      if (boolFlag(args, 'once')) {
        await service.ready();
        await drained(service);
        const t = service.scorer.totals;
        ctx.out.write(`${JSON.stringify({ inputs: t.inputs, scored: t.scored, alerts: t.alerts, deadLetters: t.deadLetters })}\n`);
      } else if (worker) {
        if (service.address) announceListening(service.address);
        await untilSignal();
      } else {
        ctx.err.write(`threatlab serve: ${service.address} (bus: ${service.bus.kind}, model: ${config.model.name}@${config.model.alias}${shadow ? `, shadow @${shadow}` : ''}); Ctrl-C stops\n`);
        await untilSignal();
      }
    } finally {
      await service.stop();
      // A worker's IPC channel to the primary keeps its event loop alive: close it so the process ends.
      if (worker) process.disconnect?.();
    }
    return 0;
  },
};

/** Waits until the consumer has caught up: no lag reported and nothing new for a second. */
async function drained(service: Service): Promise<void> {
  let last = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1_000));
    const inputs = service.scorer.totals.inputs;
    if (inputs === last && service.scorer.lagTotal() === 0) return;
    last = inputs;
  }
}
