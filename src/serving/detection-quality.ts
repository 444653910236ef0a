/**
 * Detection quality of streamed scores against generator labels, for the demo summary:
 * average precision over all events, alert precision, and campaign recall (a campaign
 * counts as caught when at least one of its malicious events raised an alert, which is
 * what an analyst needs to start an investigation).
 */
import type { Label } from '../events/activity.js';

export interface ScoredLabel {
  score: number;
  alert: boolean;
  label: Label | undefined;
}

export interface DetectionQuality {
  events: number;
  malicious: number;
  alerts: number;
  truePositiveAlerts: number;
  alertPrecision: number;
  averagePrecision: number;
  campaigns: number;
  campaignsCaught: number;
  campaignRecall: number;
}

/** Average precision (area under the precision-recall curve, step-wise), ties broken pessimistically. */
export function averagePrecision(items: ReadonlyArray<{ score: number; positive: boolean }>): number {
  const positives = items.reduce((n, i) => n + (i.positive ? 1 : 0), 0);
  if (positives === 0) return 0;
  // Negatives first among equal scores, so a constant scorer gets no credit.
  const sorted = [...items].sort((a, b) => b.score - a.score || Number(a.positive) - Number(b.positive));
  let tp = 0;
  let sum = 0;
  sorted.forEach((item, k) => {
    if (!item.positive) return;
    tp++;
    sum += tp / (k + 1);
  });
  return sum / positives;
}

export function detectionQuality(items: readonly ScoredLabel[]): DetectionQuality {
  const campaigns = new Set<string>();
  const caught = new Set<string>();
  let malicious = 0;
  let alerts = 0;
  let tpAlerts = 0;
  for (const i of items) {
    const bad = i.label?.malicious === true;
    if (bad) {
      malicious++;
      if (i.label?.campaign) campaigns.add(i.label.campaign);
    }
    if (i.alert) {
      alerts++;
      if (bad) {
        tpAlerts++;
        if (i.label?.campaign) caught.add(i.label.campaign);
      }
    }
  }
  return {
    events: items.length,
    malicious,
    alerts,
    truePositiveAlerts: tpAlerts,
    alertPrecision: alerts ? tpAlerts / alerts : 0,
    averagePrecision: averagePrecision(items.map((i) => ({ score: i.score, positive: i.label?.malicious === true }))),
    campaigns: campaigns.size,
    campaignsCaught: caught.size,
    campaignRecall: campaigns.size ? caught.size / campaigns.size : 0,
  };
}
