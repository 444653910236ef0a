/**
 * `threatlab evaluate`: a score file (from `threatlab score` or the stream) against
 * labels → ranking and alerting metrics, optionally a self-contained HTML report.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ThreatlabError } from '../../errors/index.js';
import { evaluateScores, readLabels, renderReport, type CampaignInfo, type ScoredEvent } from '../../training/index.js';
import { boolFlag, requiredString, stringFlag } from '../args.js';
import type { Command } from '../command.js';

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ThreatlabError('THREATLAB_INPUT', `cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

export function parseScores(text: string, file: string): ScoredEvent[] {
  const out: ScoredEvent[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let s: Partial<ScoredEvent>;
    try {
      s = JSON.parse(line) as Partial<ScoredEvent>;
    } catch {
      throw new ThreatlabError('THREATLAB_INPUT', `${file}:${i + 1}: not a JSON line`);
    }
    if (typeof s.eventId !== 'string' || typeof s.score !== 'number' || typeof s.time !== 'number' || typeof s.user !== 'string') {
      throw new ThreatlabError('THREATLAB_INPUT', `${file}:${i + 1}: a score line needs eventId, user, time and a numeric score`);
    }
    out.push({
      eventId: s.eventId, user: s.user, time: s.time, score: s.score, alert: s.alert === true, reasons: Array.isArray(s.reasons) ? s.reasons : [],
      ...(typeof s.groupedInto === 'string' ? { groupedInto: s.groupedInto } : {}),
    });
  });
  return out;
}

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'measure scores against labels: AP, ROC-AUC, campaign recall, alert load; HTML report',
  usage: 'evaluate --scores FILE --labels FILE [--campaigns FILE] [--report DIR] [--json]',
  options: {
    scores: { type: 'string', valueName: 'FILE', description: 'score NDJSON from threatlab score' },
    labels: { type: 'string', valueName: 'FILE', description: 'labels.json (event id → {malicious, campaign, scenario, technique}) or feedback NDJSON' },
    campaigns: { type: 'string', valueName: 'FILE', description: 'campaigns.json from threatlab generate (scenario of each campaign)' },
    report: { type: 'string', valueName: 'DIR', description: 'write DIR/report.html (PR curve, histograms, alerts per day, top alerts)' },
    json: { type: 'boolean', description: 'print the metrics as one JSON object' },
  },
  async run(args, ctx) {
    const scoresPath = requiredString(args, 'scores');
    const labelsPath = requiredString(args, 'labels');
    const campaignsPath = stringFlag(args, 'campaigns');
    const reportDir = stringFlag(args, 'report');
    const events = parseScores(await readText(scoresPath, 'scores'), scoresPath);
    const labels = await readLabels(labelsPath);
    let campaigns: CampaignInfo[] = [];
    if (campaignsPath) {
      const parsed = JSON.parse(await readText(campaignsPath, 'campaigns')) as unknown;
      if (!Array.isArray(parsed)) throw new ThreatlabError('THREATLAB_INPUT', `${campaignsPath}: expected a JSON array of campaigns`);
      campaigns = parsed.filter((c): c is CampaignInfo => typeof c === 'object' && c !== null && typeof (c as CampaignInfo).id === 'string');
    }
    const evaluation = evaluateScores(events, labels, campaigns);
    let reportPath: string | undefined;
    if (reportDir) {
      await mkdir(reportDir, { recursive: true });
      reportPath = path.join(reportDir, 'report.html');
      await writeFile(reportPath, renderReport(events, labels, evaluation, { title: `threatlab evaluation of ${path.basename(scoresPath)}` }));
    }
    if (boolFlag(args, 'json')) {
      ctx.out.write(`${JSON.stringify({ ...evaluation, ...(reportPath ? { report: reportPath } : {}) })}\n`);
      return 0;
    }
    const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
    ctx.out.write([
      `${evaluation.events} events, ${evaluation.malicious} malicious, ${evaluation.campaigns} campaigns (${evaluation.unlabelledEvents} unlabelled, counted benign)`,
      `average precision ${evaluation.averagePrecision.toFixed(4)}   ROC-AUC ${evaluation.rocAuc.toFixed(4)}`,
      `precision@k ${Object.entries(evaluation.precisionAtK).map(([k, v]) => `@${k} ${pct(v)}`).join('  ')}`,
      `campaign recall ${Object.entries(evaluation.campaignRecall).map(([b, v]) => `top ${(100 * Number(b)).toFixed(1)} %: ${pct(v)}`).join('  ')} (analyst queue, repeats folded; per event: ${Object.values(evaluation.campaignRecallPerEvent).map(pct).join(' / ')})`,
      `alerts ${evaluation.alerts} = ${evaluation.alertsPer1000UserDays.toFixed(1)} per 1000 user-days, grouping ${evaluation.alertEvents} events at or above the threshold (precision ${pct(evaluation.alertPrecision)}, campaign recall ${pct(evaluation.campaignRecallAtThreshold)})`,
      'per scenario (campaigns caught in the top 0.5 % / campaigns):',
      ...Object.entries(evaluation.perScenario).sort(([a], [b]) => a.localeCompare(b)).map(([s, v]) => `  ${s.padEnd(28)} ${v.caughtAtHalfPercent}/${v.campaigns}`),
      ...(reportPath ? [`report ${reportPath}`] : []),
      '',
    ].join('\n'));
    return 0;
  },
};
