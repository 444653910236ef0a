/**
 * The alert hold (models/learn-hold.ts) through the real scoring path: a user's new
 * habit — the same new country, network and device, once an hour — alerts while its
 * first occurrences are held, and stops alerting once the event-time watermark has
 * passed their hold and they were learned. Hold 0 learns the first occurrence at once;
 * "never" keeps alerting. Real feature engine, a model trained on generated events.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateEvents } from '../../src/events/generate/index.js';
import type { Activity } from '../../src/events/index.js';
import { FeatureEngine } from '../../src/features/index.js';
import { AlertGrouper, DEFAULT_ALERT_GROUP_MS, DEFAULT_ALERT_HOLD_MS, groupAlerts, LearnHold, NEVER_LEARN, ScoringPipeline, type LoadedModel } from '../../src/models/index.js';
import { trainModel } from '../../src/training/index.js';
import { ThreatlabError } from '../../src/errors/index.js';

const HOUR = 3_600_000;
const train: Activity[] = [];
for (const e of generateEvents({ users: 15, days: 9, seed: 11 })) if (e.split === 'train') train.push(e.activity);
const trained = await trainModel(train, { name: 'hold-test', epochs: 2, seed: 3 });

const victim = train[train.length - 1];
const start = victim.time + HOUR;
/** The new habit, once an hour for `hours` hours from `start`. */
function habit(hours: number): Activity[] {
  return Array.from({ length: hours }, (_, h) => ({
    ...victim, id: `habit-${h}`, time: start + h * HOUR, ip: '41.58.0.1',
    geo: { country: 'NG', city: 'Lagos', lat: 6.45, lon: 3.39, timeZone: 'Africa/Lagos' },
    asn: 64512, asnOrg: 'Unknown hosting', userAgent: 'python-requests/2.31', device: { id: null, family: 'cli', os: null, browser: null },
  }));
}

function pipeline(alertHoldMs: number | undefined, alertGroupMs = 0): ScoringPipeline {
  // A tiny tenant's threshold is noisy; pin it so the test is about learning, not about this threshold.
  const model: LoadedModel = Object.assign(Object.create(trained.model) as LoadedModel, { manifest: { ...trained.model.manifest, threshold: 0.995, learnThreshold: 0.99 } });
  return new ScoringPipeline(model, FeatureEngine.restore(trained.engine.snapshot()), { modelRef: { name: 'hold-test', version: '1' }, alertGroupMs, ...(alertHoldMs === undefined ? {} : { alertHoldMs }) });
}

const events = habit(36);
const during = (i: number) => events[i].time < start + DEFAULT_ALERT_HOLD_MS;

test('default hold (24 h): the new habit alerts during the hold and stops once its first occurrences are learned', () => {
  const p = pipeline(undefined);
  assert.equal(p.alertHoldMs, DEFAULT_ALERT_HOLD_MS);
  const scores = events.map((e) => p.scoreBatch([e])[0]);
  const alertsDuring = scores.filter((s, i) => during(i) && s.alert).length;
  const alertsAfter = scores.filter((s, i) => !during(i) && s.alert).length;
  assert.ok(scores[0].alert, `the first occurrence alerts (score ${scores[0].score})`);
  assert.equal(alertsDuring, 24, `every occurrence inside the hold alerts: scores ${scores.slice(0, 24).map((s) => s.score).join(', ')}`);
  assert.equal(alertsAfter, 0, `after the hold the habit is normal: scores ${scores.slice(24).map((s) => s.score).join(', ')}`);
  assert.ok(p.holdStats.released > 0, 'held events were learned when the watermark passed their hold');
});

test('hold 0 learns the first occurrence at once: the second one already scores lower', () => {
  const p = pipeline(0);
  const [first, second] = events.slice(0, 2).map((e) => p.scoreBatch([e])[0]);
  const held = pipeline(undefined);
  const [, secondHeld] = events.slice(0, 2).map((e) => held.scoreBatch([e])[0]);
  assert.ok(first.alert);
  assert.ok(second.score < secondHeld.score, `learned at once (${second.score}) < held (${secondHeld.score})`);
  assert.equal(p.holdStats.held, 0);
});

test('never (-1): the habit keeps alerting after any hold would have expired', () => {
  const p = pipeline(NEVER_LEARN);
  assert.equal(p.alertHoldMs, Number.POSITIVE_INFINITY);
  const scores = events.map((e) => p.scoreBatch([e])[0]);
  assert.ok(scores.every((s) => s.alert), `every occurrence alerts: ${scores.map((s) => s.score).join(', ')}`);
  assert.equal(p.holdStats.pending, 0);
  assert.ok(p.holdStats.neverLearned >= events.length);
});

test('alert grouping (default 24 h): the habit opens one alert; the repeats point at it, are still held, and a new day re-alerts', () => {
  const p = pipeline(NEVER_LEARN, DEFAULT_ALERT_GROUP_MS);
  const scores = events.map((e) => p.scoreBatch([e])[0]);
  const opened = scores.filter((s) => s.alert).map((s) => s.eventId);
  // 36 hourly events, never learned, all above the threshold: alerts at hour 0 and hour 24.
  assert.deepEqual(opened, ['habit-0', 'habit-24'], `scores ${scores.map((s) => s.score).join(', ')}`);
  assert.ok(scores.slice(1, 24).every((s) => s.groupedInto === 'habit-0'));
  assert.ok(scores.slice(25).every((s) => s.groupedInto === 'habit-24'));
  assert.ok(scores.every((s) => s.score >= 0.995), 'grouping changes the alert flag, never the score');
  assert.equal(p.holdStats.neverLearned, events.length, 'grouped events are still kept out of the profiles');
  assert.deepEqual(p.alertGroupStats, { opened: 2, grouped: 34, open: 1 });
});

test('alert grouping keys on user and kind of anomaly; a late event joins its group; the open groups are bounded', () => {
  const g = new AlertGrouper({ windowMs: 10 * HOUR, maxOpen: 2 });
  assert.equal(g.assign('u1', 'country', 'a', 0), undefined);
  assert.equal(g.assign('u1', 'country', 'b', 9 * HOUR), 'a');
  assert.equal(g.assign('u1', 'forwarding_rule', 'c', 9 * HOUR), undefined, 'a new kind of anomaly is a new alert');
  assert.equal(g.assign('u2', 'country', 'd', HOUR), undefined, 'another user is another alert');
  assert.equal(g.openGroups, 2, 'the oldest group (u1 country) was dropped for the bound');
  assert.equal(g.assign('u2', 'country', 'e', -5 * HOUR), 'd', 'a late event inside the window joins');
  assert.equal(g.assign('u2', 'country', 'f', 11 * HOUR + 1), undefined, 'past the window: a new alert');
  const off = new AlertGrouper({ windowMs: 0 });
  assert.equal(off.assign('u', 'k', 'x', 0), undefined);
  assert.equal(off.assign('u', 'k', 'y', 1), undefined);
  const grouped = groupAlerts<{ eventId: string; user: string; time: number; alert: boolean; groupedInto?: string }>([
    { eventId: '1', user: 'u', time: 0, alert: true },
    { eventId: '2', user: 'u', time: HOUR, alert: true },
    { eventId: '3', user: 'u', time: 2 * HOUR, alert: false },
  ]);
  assert.deepEqual(grouped.map((s) => [s.alert, s.groupedInto]), [[true, undefined], [false, '1'], [false, undefined]]);
});

test('the hold queue is bounded: when full the oldest held event is learned early and counted', () => {
  const learned: string[] = [];
  const hold = new LearnHold((a) => learned.push(a.id), { holdMs: 10 * HOUR, maxHeld: 2 });
  for (const e of events.slice(0, 4)) {
    hold.advance(e.time);
    hold.admit(e, true);
  }
  assert.deepEqual(learned, ['habit-0', 'habit-1']);
  assert.equal(hold.stats.learnedEarly, 2);
  assert.equal(hold.pending, 2);
  // Out-of-order arrival: a late alerted event whose hold already passed is learned at once.
  hold.advance(start + 20 * HOUR);
  assert.deepEqual(learned, ['habit-0', 'habit-1', 'habit-2', 'habit-3']);
  hold.admit({ ...events[0], id: 'late' }, true);
  assert.equal(learned.at(-1), 'late');
  assert.throws(() => new LearnHold(() => {}, { holdMs: Number.NaN }), (err: unknown) => err instanceof ThreatlabError && err.code === 'THREATLAB_CONFIG');
});

test('training writes the hold into the manifest and reports its replay', () => {
  assert.equal(trained.bundle.manifest.alertHoldMs, DEFAULT_ALERT_HOLD_MS);
  assert.equal(typeof trained.bundle.manifest.metrics.holdReplayHeld, 'number');
});
