/**
 * `threatlab normalize`: vendor log files → enriched Activities (NDJSON), rejected records
 * with their reasons to a side file, and counts per vendor, action and rejection reason.
 */
import { createWriteStream, openSync, statSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import cliProgress from 'cli-progress';
import { ThreatlabError } from '../../errors/index.js';
import { createEnricher } from '../../events/enrich/index.js';
import { FORMATS, normalizeFile, type Format } from '../../events/normalize/index.js';
import { boolFlag, listFlag, oneOf, requiredString, stringFlag } from '../args.js';
import type { Command, CommandContext } from '../command.js';

export interface NormalizeCounts {
  inputs: string[];
  activities: number;
  rejections: number;
  byVendor: Record<string, number>;
  byAction: Record<string, number>;
  byReason: Record<string, number>;
  out: string;
  rejects: string;
}

/** Buffers NDJSON lines and writes them in large chunks, waiting when the file falls behind. */
class NdjsonWriter {
  private buf = '';
  constructor(private readonly stream: WriteStream) {}
  async line(value: unknown): Promise<void> {
    this.buf += `${JSON.stringify(value)}\n`;
    if (this.buf.length > 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.buf === '') return;
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

function openWriter(path: string): NdjsonWriter {
  let fd: number;
  try {
    // Open synchronously so a missing folder or a read-only path is one clear error before any work.
    fd = openSync(path, 'w');
  } catch (err) {
    throw new ThreatlabError('THREATLAB_INPUT', `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return new NdjsonWriter(createWriteStream(path, { fd }));
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function table(title: string, counts: Record<string, number>): string {
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return `${title}: none\n`;
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${title}:\n${rows.map(([k, n]) => `  ${k.padEnd(width)}  ${n}`).join('\n')}\n`;
}

function checkReadable(paths: string[]): void {
  for (const p of paths) {
    try {
      const st = statSync(p);
      if (!st.isFile()) throw new ThreatlabError('THREATLAB_INPUT', `input ${p} is not a file`);
    } catch (err) {
      if (err instanceof ThreatlabError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new ThreatlabError(code === 'ENOENT' ? 'THREATLAB_NOT_FOUND' : 'THREATLAB_INPUT', `cannot read input ${p}: ${code ?? (err as Error).message}`);
    }
  }
}

export async function runNormalize(
  inputs: string[],
  opts: { format: Format; out: string; rejects: string; enrich: boolean; now?: number },
  ctx: Pick<CommandContext, 'err'>,
): Promise<NormalizeCounts> {
  checkReadable(inputs);
  // Enrichment is its own step after normalisation (GeoIP, ASN, user agent; offline).
  const enricher = opts.enrich ? createEnricher() : null;
  const out = openWriter(opts.out);
  const rejects = openWriter(opts.rejects);
  const counts: NormalizeCounts = { inputs, activities: 0, rejections: 0, byVendor: {}, byAction: {}, byReason: {}, out: opts.out, rejects: opts.rejects };
  const bar = new cliProgress.SingleBar({ stream: ctx.err, format: 'normalize [{bar}] {percentage}% | {records} records', hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(inputs.length, 0, { records: 0 });
  let seen = 0;
  try {
    for (const input of inputs) {
      for await (const result of normalizeFile(input, { format: opts.format, now: opts.now })) {
        for (const a of result.activities) {
          await out.line(enricher ? enricher.enrich(a) : a);
          counts.activities++;
          bump(counts.byVendor, a.vendor);
          bump(counts.byAction, a.action);
        }
        for (const r of result.rejections) {
          await rejects.line(r);
          counts.rejections++;
          bump(counts.byReason, r.reason);
        }
        if ((++seen & 1023) === 0) bar.update({ records: seen });
      }
      bar.increment(1, { records: seen });
    }
  } finally {
    bar.stop();
    await out.close().catch(() => undefined);
    await rejects.close().catch(() => undefined);
  }
  return counts;
}

export const normalizeCommand: Command = {
  name: 'normalize',
  summary: 'turn vendor audit logs into normalised, enriched Activities (NDJSON)',
  usage: 'normalize --input FILE... --out FILE.ndjson [--format auto|o365|entra|…] [--rejects FILE] [--json]',
  options: {
    input: { type: 'string', multiple: true, short: 'i', description: 'vendor log file(s): JSON array, API page envelope, NDJSON, or Purview audit CSV; repeat or comma-separate', valueName: 'FILE' },
    format: { type: 'string', description: `input format: ${FORMATS.join('|')}`, default: 'auto', valueName: 'FORMAT' },
    out: { type: 'string', short: 'o', description: 'where to write the Activities (NDJSON)', valueName: 'FILE' },
    rejects: { type: 'string', description: 'where to write rejected records with their reason (default: <out without .ndjson>.rejects.ndjson)', valueName: 'FILE' },
    'no-enrich': { type: 'boolean', description: 'skip GeoIP / ASN / user-agent enrichment' },
    json: { type: 'boolean', description: 'print the counts as one JSON object' },
  },
  async run(args, ctx) {
    const inputs = listFlag(args, 'input');
    if (inputs.length === 0) throw new ThreatlabError('THREATLAB_USAGE', 'missing required flag --input');
    const out = requiredString(args, 'out');
    const format = oneOf(args, 'format', FORMATS, 'auto');
    const rejects = stringFlag(args, 'rejects') ?? `${out.replace(/\.ndjson$/, '')}.rejects.ndjson`;
    const counts = await runNormalize(inputs, { format, out, rejects, enrich: !boolFlag(args, 'no-enrich') }, ctx);
    if (boolFlag(args, 'json')) {
      ctx.out.write(`${JSON.stringify(counts)}\n`);
    } else {
      ctx.out.write(`${counts.activities} activities → ${out}\n${counts.rejections} rejected → ${rejects}\n`);
      ctx.out.write(table('by vendor', counts.byVendor) + table('by action', counts.byAction) + table('rejected by reason', counts.byReason));
    }
    return 0;
  },
};
