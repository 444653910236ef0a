/**
 * Writes a generated data set to a directory: train.ndjson and test.ndjson (records in
 * arrival order, in the chosen format, never carrying labels), labels.json (record id →
 * label, streamed), campaigns.json and summary.json. Vendor formats are read back
 * through the normaliser as they are written, so labels use the ids the normaliser
 * produces and any record it would read differently is counted in the summary.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Activity } from '../activity.js';
import { normalizeRecord } from '../normalize/index.js';
import { campaignsOf, generateEvents, resolveOptions, type GenerateOptions } from './generator.js';
import { toGworkspaceRecord, toO365Record, type OutputFormat } from './formats.js';
import { DAY } from './time.js';

export interface WriteOptions extends GenerateOptions {
  format: OutputFormat;
  out: string;
  /** Called now and then with the share of simulated time done (0..1) and events written. */
  onProgress?: (fraction: number, events: number) => void;
}

export interface Summary {
  options: ReturnType<typeof resolveOptions> & { format: OutputFormat };
  events: number;
  train: number;
  test: number;
  malicious: number;
  maliciousTrain: number;
  maliciousTest: number;
  late: number;
  maxLateMs: number;
  users: number;
  byAction: Record<string, number>;
  byScenario: Record<string, number>;
  campaigns: number;
  /** Vendor formats: records the normaliser rejected or read back with another user/time/action/ip. */
  roundTrip?: { checked: number; rejected: number; mismatched: number; problems: Record<string, number> };
}

/** Collects lines and writes them in ~1 MB chunks, waiting when the disk falls behind. */
class ChunkedFile {
  private buf = '';
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path);
  }

  async write(text: string): Promise<void> {
    this.buf += text;
    if (this.buf.length > 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    const ok = this.stream.write(this.buf);
    this.buf = '';
    if (!ok) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (this.buf !== '') await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

function stripLabel(a: Activity): Omit<Activity, 'label'> {
  const { label: _label, ...rest } = a;
  return rest;
}

export async function writeDataset(opts: WriteOptions): Promise<Summary> {
  const resolved = resolveOptions({ ...opts, vendor: opts.vendor ?? (opts.format === 'gworkspace' ? 'gworkspace' : 'o365') });
  mkdirSync(opts.out, { recursive: true });
  const train = new ChunkedFile(join(opts.out, 'train.ndjson'));
  const test = new ChunkedFile(join(opts.out, 'test.ndjson'));
  const labels = new ChunkedFile(join(opts.out, 'labels.json'));
  const periodEnd = resolved.start + resolved.days * DAY;
  const summary: Summary = {
    options: { ...resolved, format: opts.format }, events: 0, train: 0, test: 0, malicious: 0, maliciousTrain: 0, maliciousTest: 0,
    late: 0, maxLateMs: 0, users: 0, byAction: {}, byScenario: {}, campaigns: 0,
  };
  if (opts.format !== 'activity') summary.roundTrip = { checked: 0, rejected: 0, mismatched: 0, problems: {} };
  const users = new Set<string>();
  await labels.write('{');
  let firstLabel = true;
  for (const e of generateEvents(resolved)) {
    const a = e.activity;
    let record: unknown;
    let id = a.id;
    if (opts.format === 'activity') record = stripLabel(a);
    else {
      record = opts.format === 'o365' ? toO365Record(a) : toGworkspaceRecord(a);
      id = checkRoundTrip(record, a, periodEnd, summary.roundTrip!) ?? id;
    }
    await (e.split === 'train' ? train : test).write(`${JSON.stringify(record)}\n`);
    const label = a.label ?? { malicious: false };
    await labels.write(`${firstLabel ? '\n' : ',\n'}${JSON.stringify(id)}:${JSON.stringify(label)}`);
    firstLabel = false;

    summary.events++;
    summary[e.split]++;
    users.add(a.user);
    summary.byAction[a.action] = (summary.byAction[a.action] ?? 0) + 1;
    const lateBy = e.arrival - a.time;
    if (lateBy > 3_600_000) summary.late++;
    summary.maxLateMs = Math.max(summary.maxLateMs, lateBy);
    if (label.malicious) {
      summary.malicious++;
      if (e.split === 'train') summary.maliciousTrain++;
      else summary.maliciousTest++;
      if (label.scenario) summary.byScenario[label.scenario] = (summary.byScenario[label.scenario] ?? 0) + 1;
    }
    if (opts.onProgress && (summary.events & 0x3fff) === 0) opts.onProgress(Math.min(1, (e.arrival - resolved.start) / (periodEnd - resolved.start)), summary.events);
  }
  await labels.write('\n}\n');
  await Promise.all([train.close(), test.close(), labels.close()]);
  const campaigns = campaignsOf(resolved);
  summary.campaigns = campaigns.length;
  summary.users = users.size;
  writeFileSync(join(opts.out, 'campaigns.json'), `${JSON.stringify(campaigns, null, 2)}\n`);
  writeFileSync(join(opts.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  opts.onProgress?.(1, summary.events);
  return summary;
}

/** Normalises the vendor record back; returns the normaliser's id, and counts any disagreement. */
function checkRoundTrip(record: unknown, a: Activity, periodEnd: number, rt: NonNullable<Summary['roundTrip']>): string | null {
  rt.checked++;
  const result = normalizeRecord(record, { now: periodEnd + 2 * DAY });
  const back = result.activities[0];
  if (!back) {
    rt.rejected++;
    const key = `${a.action}/${a.rawAction}: rejected (${result.rejections[0]?.reason ?? 'no activity'})`;
    rt.problems[key] = (rt.problems[key] ?? 0) + 1;
    return null;
  }
  const problems: string[] = [];
  if (back.user !== a.user) problems.push(`user ${back.user}`);
  if (back.time !== a.time) problems.push(`time ${back.time}`);
  if (back.action !== a.action) problems.push(`action ${back.action}`);
  if (back.ip !== a.ip) problems.push(`ip ${back.ip}`);
  if (problems.length > 0) {
    rt.mismatched++;
    const key = `${a.action}/${a.rawAction} read back as ${problems.join(', ').replace(/time \d+/, 'another time')}`;
    rt.problems[key] = (rt.problems[key] ?? 0) + 1;
  }
  return back.id;
}
