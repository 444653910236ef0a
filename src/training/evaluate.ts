/**
 * Evaluation of scores against ground truth: ranking quality (average precision =
 * PR-AUC, ROC-AUC, precision@k), what an analyst would catch (campaign recall when
 * only the top b % of events can be looked at; a campaign counts as caught when ANY of
 * its events is in that top), the alert load (alerts per 1000 user-days), and recall
 * per attack scenario. Events missing from the labels count as benign (and are counted).
 *
 * The analyst's queue — what the campaign-recall budgets count — is the events by
 * descending score, folded the way alerts are grouped (models/alert-groups.ts): an
 * event of the same user and kind of anomaly (its top reason) within 24 h of an event
 * already in the queue is shown inside that item, not as a new one. Without folding, a
 * campaign of 300 downloads takes 300 places and pushes quieter campaigns out of any
 * budget. `campaignRecallPerEvent` gives the unfolded figure. The alert load counts new
 * alerts (`alert: true`; events with `groupedInto` are evidence for an open alert);
 * `alertEvents` counts every event at or above the threshold. The ranking metrics (AP,
 * ROC-AUC, precision@k) stay per event on the raw scores.
 */
import { ThreatlabError } from '../errors/index.js';
import type { LabelMap } from './labels.js';

export interface ScoredEvent {
  eventId: string;
  user: string;
  time: number;
  score: number;
  alert: boolean;
  reasons?: { feature: string; value: number; detail: string }[];
  /** Event id of the open alert this event was folded into (alert-groups.ts). */
  groupedInto?: string;
}

export const DEFAULT_BUDGETS = [0.001, 0.005, 0.01] as const;
const DAY_MS = 86_400_000;

export interface CampaignInfo {
  id: string;
  scenario?: string;
}

export interface ScenarioRecall {
  campaigns: number;
  /** Campaigns with an event in the top 0.5 %. */
  caughtAtHalfPercent: number;
  recall: number;
  /** Campaigns with at least one alert at the model's own threshold. */
  caughtByAlerts: number;
  /** Malicious events, and those alerted. */
  events: number;
  eventsAlerted: number;
}

export interface Evaluation {
  events: number;
  malicious: number;
  unlabelledEvents: number;
  averagePrecision: number;
  rocAuc: number;
  precisionAtK: Record<string, number>;
  /** Keyed by budget as a share of events ("0.001", "0.005", "0.01"), over the folded analyst queue. */
  campaignRecall: Record<string, number>;
  /** The same over the plain per-event ranking (no folding). */
  campaignRecallPerEvent: Record<string, number>;
  campaigns: number;
  /** New alerts (`alert: true`). */
  alerts: number;
  /** Events at or above the threshold: new alerts plus events grouped into them. */
  alertEvents: number;
  userDays: number;
  alertsPer1000UserDays: number;
  alertPrecision: number;
  alertRecall: number;
  campaignRecallAtThreshold: number;
  perScenario: Record<string, ScenarioRecall>;
}

/** Indices sorted by descending score (ties: by event id, so results repeat). */
export function rankOrder(events: readonly ScoredEvent[]): number[] {
  return events.map((_, i) => i).sort((a, b) => events[b].score - events[a].score || (events[a].eventId < events[b].eventId ? -1 : 1));
}

/** Average precision with tied scores handled as one block (no credit from an arbitrary tie order). */
export function averagePrecision(scores: ArrayLike<number>, positive: ArrayLike<boolean>, order: number[]): number {
  let totalPos = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) totalPos++;
  if (totalPos === 0) return 0;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    let blockPos = 0;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (positive[order[j]]) blockPos++;
      j++;
    }
    tp += blockPos;
    seen += j - i;
    ap += (blockPos / totalPos) * (tp / seen);
    i = j;
  }
  return ap;
}

const QUEUE_FOLD_MS = 24 * 3_600_000;

/**
 * Place of every event in the analyst's queue: events in score order, where an event of
 * the same user and kind (top reason feature, else one kind per user) within 24 h of an
 * event already placed folds into it and takes no place (it gets `events.length`).
 */
export function queuePlaces(events: readonly ScoredEvent[], order: readonly number[]): Int32Array {
  const places = new Int32Array(events.length).fill(events.length);
  const anchors = new Map<string, number[]>();
  let place = 0;
  for (const idx of order) {
    const e = events[idx];
    const key = `${e.user}\u0000${e.reasons?.[0]?.feature ?? 'score'}`;
    let times = anchors.get(key);
    if (!times) anchors.set(key, (times = []));
    if (times.some((t) => Math.abs(e.time - t) < QUEUE_FOLD_MS)) continue;
    times.push(e.time);
    places[idx] = place++;
  }
  return places;
}

/** ROC-AUC by the rank-sum (Mann-Whitney) statistic, ties counted as half. */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>, order: number[]): number {
  let pos = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) pos++;
  const neg = positive.length - pos;
  if (pos === 0 || neg === 0) return 0.5;
  // Walk from the lowest score up, counting negatives below each positive.
  let negBelow = 0;
  let sum = 0;
  for (let i = order.length - 1; i >= 0;) {
    let j = i;
    let bp = 0;
    let bn = 0;
    while (j >= 0 && scores[order[j]] === scores[order[i]]) {
      if (positive[order[j]]) bp++;
      else bn++;
      j--;
    }
    sum += bp * (negBelow + bn / 2);
    negBelow += bn;
    i = j;
  }
  return sum / (pos * neg);
}

export function evaluateScores(events: readonly ScoredEvent[], labels: LabelMap, campaigns: CampaignInfo[] = [], budgets: readonly number[] = DEFAULT_BUDGETS): Evaluation {
  if (events.length === 0) throw new ThreatlabError('THREATLAB_INPUT', 'no scores to evaluate');
  let matched = 0;
  const positive = events.map((e) => {
    const l = labels.get(e.eventId);
    if (l) matched++;
    return l?.malicious === true;
  });
  if (matched === 0) throw new ThreatlabError('THREATLAB_INPUT', `none of the ${events.length} scored events appears in the labels (${labels.size} labels): wrong labels file?`);
  const scores = events.map((e) => (Number.isFinite(e.score) ? e.score : 0));
  const order = rankOrder(events);
  const malicious = positive.filter(Boolean).length;
  const scenarioOf = new Map(campaigns.map((c) => [c.id, c.scenario]));

  // Campaigns present in these events, with their scenario.
  const campaignEvents = new Map<string, number[]>();
  events.forEach((e, i) => {
    const l = labels.get(e.eventId);
    if (l?.malicious && l.campaign) {
      if (!campaignEvents.has(l.campaign)) campaignEvents.set(l.campaign, []);
      campaignEvents.get(l.campaign)!.push(i);
      if (l.scenario && !scenarioOf.has(l.campaign)) scenarioOf.set(l.campaign, l.scenario);
    }
  });
  // Place of each event in the analyst's queue (folded, see the header) and in the plain ranking.
  const rankOf = queuePlaces(events, order);
  const plainRankOf = new Int32Array(events.length);
  order.forEach((idx, r) => { plainRankOf[idx] = r; });
  const bestRankBy = (places: Int32Array) => new Map([...campaignEvents].map(([c, idx]) => [c, Math.min(...idx.map((i) => places[i]))]));
  const bestRank = bestRankBy(rankOf);
  const plainBestRank = bestRankBy(plainRankOf);
  const recallAt = (best: Map<string, number>) => Object.fromEntries(budgets.map((b) => {
    const topN = Math.max(1, Math.ceil(b * events.length));
    return [String(b), best.size ? [...best.values()].filter((r) => r < topN).length / best.size : 0];
  }));
  const campaignRecall: Record<string, number> = recallAt(bestRank);
  const campaignRecallPerEvent: Record<string, number> = recallAt(plainBestRank);
  const precisionAtK: Record<string, number> = {};
  for (const k of [10, 50, 100, 500]) {
    if (k > events.length) continue;
    let tp = 0;
    for (let r = 0; r < k; r++) if (positive[order[r]]) tp++;
    precisionAtK[String(k)] = tp / k;
  }
  const userDays = new Set(events.map((e) => `${e.user}\u0000${Math.floor(e.time / DAY_MS)}`)).size;
  const alerts = events.filter((e) => e.alert).length;
  const alertTp = events.filter((e, i) => e.alert && positive[i]).length;
  const caughtByAlert = new Set<string>();
  const half = Math.max(1, Math.ceil(0.005 * events.length));
  const perScenario: Record<string, ScenarioRecall> = {};
  for (const [c, idx] of campaignEvents) {
    const s = scenarioOf.get(c) ?? 'unknown';
    const rec = (perScenario[s] ??= { campaigns: 0, caughtAtHalfPercent: 0, recall: 0, caughtByAlerts: 0, events: 0, eventsAlerted: 0 });
    rec.campaigns++;
    if (bestRank.get(c)! < half) rec.caughtAtHalfPercent++;
    const alerted = idx.filter((i) => events[i].alert).length;
    if (alerted > 0) {
      rec.caughtByAlerts++;
      caughtByAlert.add(c);
    }
    rec.events += idx.length;
    rec.eventsAlerted += alerted;
  }
  for (const r of Object.values(perScenario)) r.recall = r.caughtAtHalfPercent / r.campaigns;
  return {
    events: events.length,
    malicious,
    unlabelledEvents: events.length - matched,
    averagePrecision: averagePrecision(scores, positive, order),
    rocAuc: rocAuc(scores, positive, order),
    precisionAtK,
    campaignRecall,
    campaignRecallPerEvent,
    campaigns: bestRank.size,
    alerts,
    alertEvents: alerts + events.filter((e) => e.groupedInto !== undefined).length,
    userDays,
    alertsPer1000UserDays: userDays ? (1000 * alerts) / userDays : 0,
    alertPrecision: alerts ? alertTp / alerts : 0,
    alertRecall: malicious ? alertTp / malicious : 0,
    campaignRecallAtThreshold: bestRank.size ? caughtByAlert.size / bestRank.size : 0,
    perScenario,
  };
}
