/**
 * `threatlab train`: event files (vendor logs or Activity NDJSON) → a model bundle at
 * `--out` (any artifact URI or a folder), with a summary. `--register NAME` also
 * registers the bundle as a new version of NAME in the configured registry.
 */
import cliProgress from 'cli-progress';
import { loadConfig } from '../../config/index.js';
import { ThreatlabError } from '../../errors/index.js';
import { FORMATS, type Rejection } from '../../events/index.js';
import { COMPONENT_ORDER, type ComponentName } from '../../models/index.js';
import { artifactStoresFromConfig, registerBundle, registryFromConfig, schemeOf, toArtifactUri } from '../../registry/index.js';
import { DEFAULT_ALERT_BUDGET, readEvents, readLabels, trainBundle, type TrainStage } from '../../training/index.js';
import { boolFlag, durationFlag, intFlag, listFlag, numberFlag, oneOf, requiredString, stringFlag } from '../args.js';
import type { Command, CommandContext } from '../command.js';

/** One progress bar per stage on stderr; `done()` clears the last one. */
export function stageBars(ctx: CommandContext): { update(stage: string, done: number, total: number): void; done(): void } {
  let bar: cliProgress.SingleBar | null = null;
  let current = '';
  return {
    update(stage, done, total) {
      if (stage !== current) {
        bar?.stop();
        current = stage;
        bar = new cliProgress.SingleBar({
          stream: ctx.err as NodeJS.WriteStream, format: `${stage.padEnd(12)} [{bar}] {value}/{total}`, hideCursor: false, noTTYOutput: false, etaBuffer: 50,
        }, cliProgress.Presets.shades_classic);
        bar.start(Math.max(1, total), 0);
      }
      bar?.update(Math.min(done, Math.max(1, total)));
    },
    done() {
      bar?.stop();
      bar = null;
    },
  };
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model bundle (prevalence + k-means + autoencoder) from event files',
  usage: 'train --input FILE... [--format FORMAT] [--labels FILE] --name NAME --out URI [--alert-budget N] [--alert-hold DURATION] [--register NAME] [--json]',
  options: {
    input: { type: 'string', multiple: true, valueName: 'FILE', description: 'event files: vendor logs or Activity NDJSON (repeat or comma-separate)' },
    format: { type: 'string', valueName: 'FORMAT', description: `input format: ${FORMATS.join('|')}`, default: 'auto' },
    labels: { type: 'string', valueName: 'FILE', description: 'labels.json or analyst feedback NDJSON: trains the alert classifier' },
    name: { type: 'string', valueName: 'NAME', description: 'model name, recorded in the bundle' },
    out: { type: 'string', valueName: 'URI', description: 'where to write the bundle: a folder, file://, s3:// or memory:// URI' },
    'alert-budget': { type: 'string', valueName: 'N', description: `expected alerts per 1000 user-days; sets the threshold (default ${DEFAULT_ALERT_BUDGET})` },
    components: { type: 'string', valueName: 'LIST', description: `components to fit, comma-separated: ${COMPONENT_ORDER.join(',')} (default all; classifier only with labels)` },
    seed: { type: 'string', valueName: 'N', description: 'random seed for sampling and initialisation (default 1)' },
    epochs: { type: 'string', valueName: 'N', description: 'autoencoder epochs (default 8)' },
    'alert-hold': { type: 'string', valueName: 'DURATION', description: 'how long an alerted event stays out of the profiles before it is learned, in event time: 24h (default), 0 = at once, never' },
    'learn-alerts': { type: 'boolean', description: 'same as --alert-hold 0 (kept for older scripts)' },
    register: { type: 'string', valueName: 'NAME', description: 'also register the bundle as a new version of NAME in the configured registry' },
    json: { type: 'boolean', description: 'print the summary as one JSON object' },
  },
  async run(args, ctx) {
    const inputs = listFlag(args, 'input');
    if (inputs.length === 0) throw new ThreatlabError('THREATLAB_USAGE', 'missing required flag --input');
    const name = requiredString(args, 'name');
    const out = toArtifactUri(requiredString(args, 'out'));
    const format = oneOf(args, 'format', FORMATS, 'auto');
    const alertBudget = numberFlag(args, 'alert-budget', DEFAULT_ALERT_BUDGET, { min: 1e-6, max: 1e6 });
    const seed = intFlag(args, 'seed', 1, { min: 0, max: 0xffffffff });
    const epochs = intFlag(args, 'epochs', 8, { min: 1, max: 500 });
    const componentList = listFlag(args, 'components');
    for (const c of componentList) {
      if (!(COMPONENT_ORDER as readonly string[]).includes(c)) throw new ThreatlabError('THREATLAB_USAGE', `--components: unknown component "${c}" (known: ${COMPONENT_ORDER.join(', ')})`);
    }
    const labelsPath = stringFlag(args, 'labels');
    const registerAs = stringFlag(args, 'register');
    const json = boolFlag(args, 'json');

    const config = loadConfig(ctx.env);
    const store = artifactStoresFromConfig(config, { fileRoots: schemeOf(out) === 'file' ? [out] : [] });
    const labels = labelsPath ? await readLabels(labelsPath) : undefined;
    let rejected = 0;
    const byReason: Record<string, number> = {};
    const onRejection = (r: Rejection) => {
      rejected++;
      byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
    };
    ctx.err.write(`reading ${inputs.length} file(s)…\n`);
    const activities = await readEvents(inputs, { format, onRejection });
    if (rejected > 0) ctx.err.write(`${rejected} record(s) could not be normalised and are not trained on: ${Object.entries(byReason).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
    if (labels && activities.length > 0 && !activities.some((a) => labels.has(a.id))) {
      ctx.err.write(`warning: none of the ${labels.size} labels matches an input event; the alert classifier is not trained\n`);
    }

    const bars = stageBars(ctx);
    let result;
    try {
      result = await trainBundle(store, out, activities, {
        name, alertBudget, seed, epochs, labels, sources: inputs,
        alertHoldMs: durationFlag(args, 'alert-hold') ?? (boolFlag(args, 'learn-alerts') ? 0 : undefined),
        components: componentList.length ? componentList as ComponentName[] : undefined,
        onProgress: (stage: TrainStage, done, total) => bars.update(stage, done, total),
      });
    } finally {
      bars.done();
    }

    // Registration hook (registry issue): a new version of `registerAs` pointing at this bundle.
    let registered: { name: string; version: string; uri: string } | undefined;
    if (registerAs) {
      const registration = await registerBundle({ registry: registryFromConfig(config), store, artifactRoot: config.artifactRoot, log: (l) => ctx.err.write(`${l}\n`) }, {
        name: registerAs, bundleUri: out, manifestSha256: result.manifestSha256, featureSpecHash: result.manifest.featureSpecHash,
        metrics: Object.fromEntries(Object.entries(result.manifest.metrics).filter(([, v]) => typeof v === 'number')) as Record<string, number>,
        params: { alertBudget, seed, epochs, events: result.summary.events, users: result.summary.users },
      });
      registered = { name: registerAs, version: registration.version.version, uri: registration.uri };
    }

    const s = result.summary;
    const summary = {
      name: s.name, uri: out, manifestSha256: result.manifestSha256, featureSpecHash: s.featureSpecHash,
      events: s.events, rejected, users: s.users, userDays: s.userDays, components: s.components,
      threshold: s.threshold, alertBudget: s.alertBudget, trainingAlertRate: s.trainingAlertRate,
      metrics: result.manifest.metrics, seconds: s.seconds, ...(registered ? { registered } : {}),
    };
    if (json) {
      ctx.out.write(`${JSON.stringify(summary)}\n`);
    } else {
      ctx.out.write([
        `trained ${s.name}: ${s.events} events, ${s.users} users, ${s.userDays} user-days (${rejected} rejected)`,
        `components: ${Object.entries(result.manifest.components).map(([k, c]) => `\n  ${k}: ${c?.summary}`).join('')}`,
        `threshold ${s.threshold.toFixed(6)} for ${s.alertBudget} alerts per 1000 user-days (training alert rate ${(100 * s.trainingAlertRate).toFixed(3)} %)`,
        `bundle ${out}`,
        `manifest sha256 ${result.manifestSha256}`,
        `feature spec ${s.featureSpecHash}`,
        ...(registered ? [`registered ${registered.name} version ${registered.version} at ${registered.uri}`] : []),
        '',
      ].join('\n'));
    }
    return 0;
  },
};
