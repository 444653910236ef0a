/**
 * `threatlab score`: event files → one score line per event, through the same
 * ScoringPipeline as the stream scorer and the HTTP API. State starts from the bundle's
 * profiles and is updated inline, in input (arrival) order. Records that cannot be
 * normalised go to a side file with their reason.
 */
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { loadConfig } from '../../config/index.js';
import { ThreatlabError } from '../../errors/index.js';
import { FORMATS, type Activity, type Rejection } from '../../events/index.js';
import { FeatureEngine, FEATURE_SPEC } from '../../features/index.js';
import { loadBundle, ScoringPipeline, type Score } from '../../models/index.js';
import { artifactStoresFromConfig, schemeOf, toArtifactUri } from '../../registry/index.js';
import { readEventBatches } from '../../training/index.js';
import { boolFlag, durationFlag, intFlag, listFlag, oneOf, requiredString, stringFlag } from '../args.js';
import type { Command } from '../command.js';
import { stageBars } from './train.js';

class LineWriter {
  private buf = '';
  constructor(private readonly stream: WriteStream) {}
  async line(text: string): Promise<void> {
    this.buf += `${text}\n`;
    if (this.buf.length > 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.buf) return;
    const ok = this.stream.write(this.buf);
    this.buf = '';
    if (!ok) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

/** Opens synchronously so a bad path is a clear error before any work (not a stalled stream). */
function open(path: string): WriteStream {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (err) {
    throw new ThreatlabError('THREATLAB_INPUT', `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return createWriteStream(path, { fd });
}

/** The score line of the CLI contract: these keys first, in this order. */
export function scoreLine(s: Score): string {
  return JSON.stringify({
    eventId: s.eventId, user: s.user, time: s.time, score: s.score, alert: s.alert, reasons: s.reasons, model: s.model,
    ...(s.groupedInto === undefined ? {} : { groupedInto: s.groupedInto }),
    tenant: s.tenant, severity: s.severity, components: s.components,
  });
}

export const scoreCommand: Command = {
  name: 'score',
  summary: 'score event files with a model bundle (the serving path, offline)',
  usage: 'score --model URI --input FILE... [--format FORMAT] --out FILE.ndjson [--rejects FILE] [--alert-hold DURATION] [--json]',
  options: {
    model: { type: 'string', valueName: 'URI', description: 'model bundle: a folder, file://, s3:// or memory:// URI' },
    input: { type: 'string', multiple: true, valueName: 'FILE', description: 'event files in arrival order: vendor logs or Activity NDJSON' },
    format: { type: 'string', valueName: 'FORMAT', description: `input format: ${FORMATS.join('|')}`, default: 'auto' },
    out: { type: 'string', valueName: 'FILE', description: 'scores, one JSON line per input event' },
    rejects: { type: 'string', valueName: 'FILE', description: 'records that could not be normalised, with reasons (default OUT.rejects.ndjson)' },
    batch: { type: 'string', valueName: 'N', description: 'events per scoring batch (default 1000)' },
    'alert-hold': { type: 'string', valueName: 'DURATION', description: 'override the bundle\'s alert hold: how long an alerted event stays out of the profiles (e.g. 24h, 0 = at once, never)' },
    'learn-alerts': { type: 'boolean', description: 'same as --alert-hold 0 (kept for older scripts)' },
    json: { type: 'boolean', description: 'print the summary as one JSON object' },
  },
  async run(args, ctx) {
    const inputs = listFlag(args, 'input');
    if (inputs.length === 0) throw new ThreatlabError('THREATLAB_USAGE', 'missing required flag --input');
    const modelUri = toArtifactUri(requiredString(args, 'model'));
    const outPath = requiredString(args, 'out');
    const rejectsPath = stringFlag(args, 'rejects') ?? `${outPath.replace(/\.ndjson$/, '')}.rejects.ndjson`;
    const format = oneOf(args, 'format', FORMATS, 'auto');
    const batchSize = intFlag(args, 'batch', 1000, { min: 1, max: 100_000 });

    const alertHoldMs = durationFlag(args, 'alert-hold') ?? (boolFlag(args, 'learn-alerts') ? 0 : undefined);

    const config = loadConfig(ctx.env);
    const store = artifactStoresFromConfig(config, { fileRoots: schemeOf(modelUri) === 'file' ? [modelUri] : [] });
    // Refuses a bundle of another feature spec, naming both hashes.
    const model = await loadBundle(store, modelUri, { expectedFeatureSpecHash: FEATURE_SPEC.hash });
    const engine = model.profiles ? FeatureEngine.restore(model.profiles) : new FeatureEngine();
    const pipeline = new ScoringPipeline(model, engine, {
      modelRef: { name: model.manifest.name, version: model.manifestSha256.slice(0, 12) },
      ...(alertHoldMs !== undefined ? { alertHoldMs } : {}),
    });
    model.warmUp();

    const out = new LineWriter(open(outPath));
    const rejects = new LineWriter(open(rejectsPath));
    let events = 0;
    let alerts = 0;
    let rejected = 0;
    const pendingRejections: Rejection[] = [];
    const bars = stageBars(ctx);
    const started = performance.now();
    let pending: Activity[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      for (const s of pipeline.scoreBatch(pending)) {
        await out.line(scoreLine(s));
        if (s.alert) alerts++;
      }
      events += pending.length;
      pending = [];
      bars.update('scoring', events, Math.max(events, 1));
    };
    try {
      for await (const batch of readEventBatches(inputs, { format, onRejection: (r) => pendingRejections.push(r) })) {
        for (const a of batch) {
          pending.push(a);
          if (pending.length >= batchSize) await flush();
        }
        for (const r of pendingRejections.splice(0)) {
          rejected++;
          await rejects.line(JSON.stringify(r));
        }
      }
      await flush();
      for (const r of pendingRejections.splice(0)) {
        rejected++;
        await rejects.line(JSON.stringify(r));
      }
    } finally {
      bars.done();
      await out.close().catch((err: Error) => { throw new ThreatlabError('THREATLAB_INPUT', `cannot write ${outPath}: ${err.message}`, { cause: err }); });
      await rejects.close().catch((err: Error) => { throw new ThreatlabError('THREATLAB_INPUT', `cannot write ${rejectsPath}: ${err.message}`, { cause: err }); });
    }
    const seconds = (performance.now() - started) / 1000;
    const summary = { events, alerts, rejected, out: outPath, rejects: rejectsPath, model: model.manifest.name, manifestSha256: model.manifestSha256, seconds: Number(seconds.toFixed(3)), eventsPerSec: Math.round(events / Math.max(seconds, 1e-9)) };
    if (boolFlag(args, 'json')) ctx.out.write(`${JSON.stringify(summary)}\n`);
    else ctx.out.write(`scored ${events} events (${alerts} alerts, ${rejected} rejected) in ${seconds.toFixed(1)} s → ${outPath}${rejected ? `; rejections → ${rejectsPath}` : ''}\n`);
    return 0;
  },
};
