/**
 * `threatlab demo` (`npm run demo`): the whole product with no services. Generates a
 * small labelled tenant, trains on its first weeks, registers the bundle in the embedded
 * registry and promotes it (the promotion travels over the model topic, as in
 * production), starts the serving instance on the in-process bus, streams the test
 * weeks through it in arrival order, then prints the top alerts with their reasons and
 * a summary: throughput, alerts, and detection quality against the generator's labels.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { loadConfig } from '../../config/index.js';
import type { Activity, Label } from '../../events/activity.js';
import { generateEvents } from '../../events/generate/index.js';
import type { Score } from '../../models/types.js';
import { artifactStoresFromConfig, filePathOf, fileUriOf, promote, registerBundle, registryFromConfig } from '../../registry/index.js';
import { detectionQuality } from '../../serving/detection-quality.js';
import { createLogger } from '../../serving/logger.js';
import { startService } from '../../serving/service.js';
import { MemoryBus } from '../../streaming/index.js';
import { trainBundle } from '../../training/index.js';
import { boolFlag, intFlag } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { untilSignal } from './serve.js';

const CHUNK = 500;

function bar(ctx: CommandContext, label: string, total: number): cliProgress.SingleBar {
  const b = new cliProgress.SingleBar({
    stream: ctx.err as NodeJS.WriteStream, format: `${label.padEnd(10)} [{bar}] {value}/{total}`, hideCursor: false, clearOnComplete: false,
    noTTYOutput: false, notTTYSchedule: 5_000,
  }, cliProgress.Presets.shades_classic);
  b.start(total, 0);
  return b;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

function formatAlert(s: Score, a: Activity | undefined, label: Label | undefined): string {
  const when = new Date(s.time).toISOString().replace('T', ' ').slice(0, 16);
  const where = a?.geo?.country ? ` from ${a.geo.city ? `${a.geo.city}, ` : ''}${a.geo.country}` : '';
  const truth = label?.malicious ? `  ← attack: ${label.scenario ?? label.campaign ?? 'labelled malicious'}${label.technique ? ` (${label.technique})` : ''}` : '  ← benign (false positive)';
  const head = `${s.score.toFixed(3)} ${s.severity.padEnd(8)} ${when}  ${s.user}  ${a?.action ?? '?'}${where}${truth}`;
  return [head, ...s.reasons.slice(0, 3).map((r) => `        · ${r.detail}`)].join('\n');
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'generate a tenant, train, register, promote and stream-score it end to end with no services',
  usage: 'demo [--once] [--users N] [--days N] [--seed N] [--port N]',
  options: {
    once: { type: 'boolean', description: 'exit when the stream is scored (otherwise the HTTP API stays up)' },
    users: { type: 'string', valueName: 'N', description: 'users in the simulated tenant', default: '100' },
    days: { type: 'string', valueName: 'N', description: 'days of activity (the first two thirds train the model)', default: '21' },
    seed: { type: 'string', valueName: 'N', description: 'random seed of the generator and the training', default: '7' },
    top: { type: 'string', valueName: 'N', description: 'alerts to print', default: '10' },
    port: { type: 'string', valueName: 'N', description: 'HTTP port when not --once', default: '8080' },
  },
  async run(args, ctx) {
    const users = intFlag(args, 'users', 100, { min: 5, max: 100_000 });
    const days = intFlag(args, 'days', 21, { min: 3, max: 365 });
    const seed = intFlag(args, 'seed', 7);
    const top = intFlag(args, 'top', 10, { min: 0, max: 1000 });
    const port = intFlag(args, 'port', 8080, { min: 0, max: 65535 });
    const once = boolFlag(args, 'once');
    // No services, whatever the environment says: a separate state folder, the in-process bus.
    const config = loadConfig({ ...ctx.env, KAFKA_BROKERS: '', MLFLOW_TRACKING_URI: '', THREATLAB_ARTIFACT_ROOT: '' }, {
      stateDir: path.join(ctx.env.THREATLAB_STATE_DIR ?? '.state', 'demo'),
      serve: { httpPort: port, inputFormat: 'activity' },
    });
    const out = (line = '') => ctx.out.write(`${line}\n`);
    const started = performance.now();

    // 1. A labelled tenant; the train split is what a real deployment would have as history.
    const train: Activity[] = [];
    const test: Array<{ activity: Activity; arrival: number }> = [];
    for (const e of generateEvents({ users, days, seed })) {
      if (e.split === 'train') train.push(e.activity);
      else test.push({ activity: e.activity, arrival: e.arrival });
    }
    test.sort((a, b) => a.arrival - b.arrival);
    ctx.err.write(`generated ${train.length} training and ${test.length} test events for ${users} users over ${days} days\n`);

    // 2. Train and save the bundle under the demo's state folder.
    const store = artifactStoresFromConfig(config);
    const bundleUri = `${config.artifactRoot}/runs/demo-${Date.now()}`;
    let trainBar: cliProgress.SingleBar | null = null;
    let stage = '';
    const trained = await trainBundle(store, bundleUri, train, {
      name: config.model.name, seed,
      onProgress: (s, done, total) => {
        if (s !== stage) {
          trainBar?.stop();
          stage = s;
          trainBar = bar(ctx, s, total);
        }
        trainBar?.update(done);
      },
    });
    (trainBar as cliProgress.SingleBar | null)?.stop();

    // 3. Register + promote: registry first, then the model topic (as `threatlab models promote` does).
    const registry = registryFromConfig(config);
    const bus = new MemoryBus({ partitions: 3 });
    const registration = await registerBundle({ registry, store, artifactRoot: config.artifactRoot, log: (l) => ctx.err.write(`${l}\n`) }, {
      name: config.model.name, bundleUri, manifestSha256: trained.manifestSha256, featureSpecHash: trained.manifest.featureSpecHash,
      metrics: Object.fromEntries(Object.entries(trained.manifest.metrics).filter(([, v]) => typeof v === 'number')) as Record<string, number>,
      params: { users, days, seed, source: 'demo' }, description: 'threatlab demo model',
    });
    await bus.ensureTopics([{ name: config.topics.models, partitions: 1, compacted: true }]);
    await promote({ registry, store, bus, topic: config.topics.models }, {
      name: config.model.name, version: registration.version.version, alias: config.model.alias, who: 'demo', why: 'demo run',
    });

    // 4. Serve: fresh checkpoints each run, so the test weeks are scored on training-time profiles only.
    await rm(path.join(filePathOf(config.artifactRoot), 'checkpoints'), { recursive: true, force: true });
    const service = await startService({
      config, bus, store, registry, listen: !once, logger: createLogger(ctx.verbose ? 'info' : 'warn'), checkpointIntervalMs: 3_600_000,
    });
    const labels = new Map(test.map((t) => [t.activity.id, t.activity.label]));
    const byId = new Map(test.map((t) => [t.activity.id, t.activity]));
    const scores: Score[] = [];
    service.scorer.onScores = (batch) => { scores.push(...batch); };
    try {
      await service.ready();
      const streamBar = bar(ctx, 'scoring', test.length);
      const producer = await bus.producer();
      const streamStart = performance.now();
      for (let i = 0; i < test.length; i += CHUNK) {
        const chunk = test.slice(i, i + CHUNK);
        // Labels stay on our side: the stream carries what a vendor would send.
        await producer.send(config.topics.activities, chunk.map(({ activity: { label: _l, ...a } }) => ({ key: a.user, value: Buffer.from(JSON.stringify(a)) })));
        // Bounded lag, like a live feed: wait for the scorer to keep up.
        while (service.scorer.totals.inputs < i - CHUNK * 4) await new Promise((r) => setTimeout(r, 2));
        streamBar.update(service.scorer.totals.inputs);
      }
      while (service.scorer.totals.inputs < test.length) {
        await new Promise((r) => setTimeout(r, 5));
        streamBar.update(service.scorer.totals.inputs);
      }
      const streamSeconds = (performance.now() - streamStart) / 1000;
      streamBar.update(test.length);
      streamBar.stop();

      // 5. Report.
      const quality = detectionQuality(scores.map((s) => ({ score: s.score, alert: s.alert, label: labels.get(s.eventId) })));
      const alerts = scores.filter((s) => s.alert).sort((a, b) => b.score - a.score);
      // One line per user in the top list: ten alerts of one spray would hide everything else.
      const seenUsers = new Set<string>();
      const shown = alerts.filter((s) => !seenUsers.has(s.user) && seenUsers.add(s.user)).slice(0, top);
      out(`\nTop ${shown.length} of ${alerts.length} alerts, one per user (model ${config.model.name} v${registration.version.version}):`);
      for (const s of shown) out(formatAlert(s, byId.get(s.eventId), labels.get(s.eventId)));
      const t = service.scorer.totals;
      out('');
      out(`events streamed    ${t.inputs} (${t.scored} scored, ${t.deadLetters} dead letters) in ${streamSeconds.toFixed(1)} s = ${Math.round(t.inputs / streamSeconds)} events/s`);
      out(`alerts             ${alerts.length} (${(1000 * alerts.length / Math.max(1, t.scored)).toFixed(2)} per 1000 events; ${quality.truePositiveAlerts} on attack events, precision ${pct(quality.alertPrecision)})`);
      out(`average precision  ${quality.averagePrecision.toFixed(3)} over ${quality.malicious} attack events among ${quality.events}`);
      out(`campaign recall    ${quality.campaignsCaught}/${quality.campaigns} campaigns raised at least one alert (${pct(quality.campaignRecall)})`);
      out(`registry           ${fileUriOf(path.join(config.stateDir, 'registry'))}  model ${config.model.name}@${config.model.alias} = v${registration.version.version}`);
      out(`total time         ${((performance.now() - started) / 1000).toFixed(1)} s`);
      if (!once) {
        ctx.err.write(`\nHTTP API on ${service.address} — try: curl ${service.address}/v1/model ; OpenAPI at ${service.address}/docs ; Ctrl-C stops\n`);
        await untilSignal();
      }
    } finally {
      await service.stop();
      await bus.close();
    }
    return 0;
  },
};
