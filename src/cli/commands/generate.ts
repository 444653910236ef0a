/**
 * `threatlab generate`: a realistic, labelled synthetic tenant (see src/events/generate)
 * written as Activities or as Microsoft 365 / Google Workspace audit records.
 */
import cliProgress from 'cli-progress';
import { ThreatlabError } from '../../errors/index.js';
import { writeDataset } from '../../events/generate/writer.js';
import { intFlag, numberFlag, oneOf, requiredString, stringFlag, boolFlag } from '../args.js';
import type { Command } from '../command.js';

const FORMATS = ['activity', 'o365', 'gworkspace'] as const;

function parseStart(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(t)) throw new ThreatlabError('THREATLAB_USAGE', `--start must be a date like 2026-01-05, got "${raw}"`);
  return t;
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'generate a realistic labelled tenant: benign activity plus MITRE-mapped attack campaigns',
  usage: 'generate --out DIR [--users N] [--days D] [--seed S] [--format activity|o365|gworkspace]',
  options: {
    out: { type: 'string', valueName: 'DIR', description: 'output folder: train.ndjson, test.ndjson, labels.json, campaigns.json, summary.json' },
    users: { type: 'string', valueName: 'N', description: 'people and service accounts in the tenant', default: '200' },
    days: { type: 'string', valueName: 'D', description: 'days simulated', default: '30' },
    seed: { type: 'string', valueName: 'S', description: 'random seed (same seed → same bytes)', default: '1' },
    format: { type: 'string', valueName: 'FORMAT', description: 'activity | o365 (Management Activity API) | gworkspace (Reports API)', default: 'activity' },
    start: { type: 'string', valueName: 'DATE', description: 'first day (UTC)', default: '2026-01-05' },
    'train-days': { type: 'string', valueName: 'D', description: 'days in the training split (default: two thirds)' },
    'late-share': { type: 'string', valueName: 'P', description: 'share of events arriving 1–24 h late', default: '0.03' },
    tenant: { type: 'string', valueName: 'NAME', description: 'tenant name (e-mail domain NAME.example)', default: 'contoso' },
    'no-attacks': { type: 'boolean', description: 'benign activity only' },
  },
  async run(args, ctx) {
    const out = requiredString(args, 'out');
    const users = intFlag(args, 'users', 200, { min: 1, max: 1_000_000 });
    const days = intFlag(args, 'days', 30, { min: 1, max: 3660 });
    const seed = intFlag(args, 'seed', 1, { min: 0, max: 0xffffffff });
    const format = oneOf(args, 'format', FORMATS, 'activity');
    const trainDaysRaw = stringFlag(args, 'train-days');
    const trainDays = trainDaysRaw === undefined ? undefined : intFlag(args, 'train-days', 0, { min: 0, max: days });
    const lateShare = numberFlag(args, 'late-share', 0.03, { min: 0, max: 1 });
    const tenant = stringFlag(args, 'tenant') ?? 'contoso';
    if (!/^[A-Za-z0-9-]{1,63}$/.test(tenant)) throw new ThreatlabError('THREATLAB_USAGE', `--tenant must be letters, digits or '-', got "${tenant}"`);
    const start = parseStart(stringFlag(args, 'start'));

    const bar = new cliProgress.SingleBar({
      stream: ctx.err as NodeJS.WriteStream,
      format: 'generate [{bar}] {percentage}% of the period | {events} events',
      hideCursor: false,
      noTTYOutput: false,
    }, cliProgress.Presets.shades_classic);
    bar.start(100, 0, { events: 0 });
    const began = Date.now();
    let summary;
    try {
      summary = await writeDataset({
        users, days, seed, format, out, tenant, lateShare, trainDays, start,
        attacks: !boolFlag(args, 'no-attacks'),
        onProgress: (fraction, events) => bar.update(Math.round(fraction * 100), { events }),
      });
    } catch (err) {
      if (err instanceof RangeError) throw new ThreatlabError('THREATLAB_USAGE', err.message);
      const code = (err as NodeJS.ErrnoException).code;
      if (code) throw new ThreatlabError('THREATLAB_INPUT', `cannot write to ${out}: ${code}`, { cause: err });
      throw err;
    } finally {
      bar.stop();
    }
    const secs = (Date.now() - began) / 1000;
    ctx.out.write(
      `wrote ${summary.events} events (${summary.train} train, ${summary.test} test) for ${summary.users} users to ${out} in ${secs.toFixed(1)} s\n` +
      `malicious: ${summary.malicious} events in ${summary.campaigns} campaigns (${summary.maliciousTrain} in train, ${summary.maliciousTest} in test); late: ${summary.late}\n`,
    );
    if (summary.roundTrip) {
      const rt = summary.roundTrip;
      ctx.out.write(`normaliser round trip: ${rt.checked} records, ${rt.rejected} rejected, ${rt.mismatched} read back differently (see summary.json)\n`);
    }
    return 0;
  },
};
