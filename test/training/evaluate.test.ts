import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averagePrecision, evaluateScores, queuePlaces, parseLabels, rankOrder, rocAuc, type ScoredEvent } from '../../src/training/index.js';
import { ThreatlabError } from '../../src/errors/index.js';

const ev = (id: string, score: number, user = 'u', day = 0, alert = false): ScoredEvent => ({ eventId: id, user, time: day * 86_400_000, score, alert });

test('average precision and ROC-AUC: perfect, reversed and all-tied rankings', () => {
  const scores = [0.9, 0.8, 0.2, 0.1];
  const pos = [true, true, false, false];
  const events = scores.map((s, i) => ev(String(i), s));
  const order = rankOrder(events);
  assert.equal(averagePrecision(scores, pos, order), 1);
  assert.equal(rocAuc(scores, pos, order), 1);
  const rev = [false, false, true, true];
  assert.equal(rocAuc(scores, rev, order), 0);
  assert.ok(Math.abs(averagePrecision(scores, rev, order) - (0.5 * (1 / 3) + 0.5 * (2 / 4))) < 1e-12);
  const tied = [0.5, 0.5, 0.5, 0.5];
  const tiedOrder = rankOrder(tied.map((s, i) => ev(String(i), s)));
  assert.equal(rocAuc(tied, pos, tiedOrder), 0.5);
  assert.equal(averagePrecision(tied, pos, tiedOrder), 0.5, 'ties give no credit for an arbitrary order');
});

test('campaign recall counts a campaign as caught when any of its events is in the top budget', () => {
  const events: ScoredEvent[] = [];
  for (let i = 0; i < 1000; i++) events.push(ev(`b${i}`, i / 1000, `u${i % 10}`, i % 5));
  events.push(ev('a1', 2, 'v', 1, true), ev('a2', 0.0001, 'v', 1), ev('c1', 0.5, 'w', 2));
  const labels = parseLabels(JSON.stringify({
    a1: { malicious: true, campaign: 'A', scenario: 'spray' }, a2: { malicious: true, campaign: 'A', scenario: 'spray' },
    c1: { malicious: true, campaign: 'C', scenario: 'exfil' }, b0: { malicious: false },
  }), 'labels.json');
  const e = evaluateScores(events, labels);
  assert.equal(e.campaigns, 2);
  assert.equal(e.campaignRecall['0.005'], 0.5);
  assert.equal(e.perScenario.spray.caughtAtHalfPercent, 1);
  assert.equal(e.perScenario.exfil.caughtAtHalfPercent, 0);
  assert.equal(e.alerts, 1);
  assert.equal(e.campaignRecallAtThreshold, 0.5);
  assert.equal(e.unlabelledEvents, 1000 + 3 - 4);
  const userDays = new Set(events.map((x) => `${x.user}/${Math.floor(x.time / 86_400_000)}`)).size;
  assert.equal(e.alertsPer1000UserDays, 1000 / userDays);
});

test('the analyst queue folds repeats of a user and kind within 24 h; grouped events are not new alerts; AP stays per event', () => {
  const events: ScoredEvent[] = [];
  for (let i = 0; i < 1000; i++) events.push(ev(`b${i}`, i / 1000, `u${i % 10}`, i % 5));
  // A benign flood of 9 events above everything, grouped into its first; then a campaign just below it.
  for (let k = 0; k < 9; k++) events.push({ ...ev(`f${k}`, 3 - k / 100, 'traveller', 1, k === 0), ...(k > 0 ? { groupedInto: 'f0' } : {}) });
  events.push(ev('c1', 2, 'w', 2, true));
  const labels = parseLabels(JSON.stringify({ c1: { malicious: true, campaign: 'C', scenario: 'exfil' } }), 'labels.json');
  const grouped = evaluateScores(events, labels);
  // top 0.5 % of 1010 events = 6 places: f0 and c1 (the 8 grouped repeats take none).
  assert.equal(grouped.campaignRecall['0.005'], 1);
  assert.equal(grouped.alerts, 2);
  assert.equal(grouped.alertEvents, 10);
  assert.equal(grouped.campaignRecallPerEvent['0.005'], 0, 'unfolded, the flood fills the top 6');
  // Folding is by user and kind: the same flood spread over distinct users is not folded.
  const spread = evaluateScores(events.map((e, i) => (e.user === 'traveller' ? { ...e, user: `t${i}`, groupedInto: undefined } : e)), labels);
  assert.equal(spread.campaignRecall['0.005'], 0);
  // ... nor is a repeat more than 24 h away, nor one of another kind.
  const places = queuePlaces(
    [{ eventId: 'a', user: 'u', time: 0, score: 3, alert: true, reasons: [{ feature: 'country', value: 0, detail: '' }] },
      { eventId: 'b', user: 'u', time: 23 * 3_600_000, score: 2, alert: false, reasons: [{ feature: 'country', value: 0, detail: '' }] },
      { eventId: 'c', user: 'u', time: 25 * 3_600_000, score: 1.5, alert: false, reasons: [{ feature: 'country', value: 0, detail: '' }] },
      { eventId: 'd', user: 'u', time: 0, score: 1, alert: false, reasons: [{ feature: 'forwarding_rule', value: 0, detail: '' }] }],
    [0, 1, 2, 3]);
  assert.deepEqual([...places], [0, 4, 1, 2]);
  assert.equal(grouped.averagePrecision, evaluateScores(events.map(({ groupedInto: _g, ...e }) => e), labels).averagePrecision, 'AP is per event on raw scores');
});

test('labels matching no scored event are a clear error', () => {
  const labels = parseLabels('{"x": {"malicious": true}}', 'labels.json');
  assert.throws(() => evaluateScores([ev('a', 1)], labels), (err: unknown) => err instanceof ThreatlabError && err.code === 'THREATLAB_INPUT' && /none of the 1 scored events/.test(err.message));
});

test('feedback NDJSON parses, last verdict wins; malformed feedback names the line', () => {
  const l = parseLabels('{"eventId":"a","verdict":"true_positive"}\n{"eventId":"a","verdict":"false_positive","note":"travel"}\n{"eventId":"b","verdict":"true_positive"}\n', 'fb.ndjson');
  assert.equal(l.get('a')?.malicious, false);
  assert.equal(l.get('b')?.malicious, true);
  assert.throws(() => parseLabels('{"eventId":"a","verdict":"maybe"}\n', 'fb.ndjson'), /fb\.ndjson:1/);
});
