/**
 * Detection quality: generate a labelled tenant, train on its train split, score its
 * test split through the serving path (ScoringPipeline, arrival order, profiles from the
 * bundle), evaluate — and, in the same run and on the same features, two baselines:
 * scikit-learn's IsolationForest (bench/isolation_forest.py, bench venv) and the rule
 * "alert on a first-seen country". Then score the real attack samples in
 * ../shared/datasets with the same model and no history, and report how they rank.
 *
 *   node --import tsx bench/quality.ts [--users 300] [--days 30] [--seed 7] [--python PATH]
 *
 * Last stdout line: one JSON object with the figures issue 5 names.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { campaignsOf, generateEvents } from '../src/events/generate/index.js';
import { createEnricher, normalizeFile, normalizeRecord, type Activity } from '../src/events/index.js';
import { FeatureEngine, FEATURE_SPEC, featureIndex } from '../src/features/index.js';
import { DEFAULT_ALERT_HOLD_MS, groupAlerts, loadBundle, NEVER_LEARN, saveBundle, ScoringPipeline, type LoadedModel } from '../src/models/index.js';
import { MemoryArtifactStore } from '../src/registry/index.js';
import { byEventTime, evaluateScores, replay, trainModel, type Evaluation, type LabelMap, type ScoredEvent } from '../src/training/index.js';
import { averagePrecision, rankOrder } from '../src/training/evaluate.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '300' },
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '7' },
    python: { type: 'string', default: path.join(homedir(), '.cache/threatlab/venv/bin/python') },
    datasets: { type: 'string', default: path.resolve('../shared/datasets/vendor-samples') },
  },
});
const users = Number(values.users);
const days = Number(values.days);
const seed = Number(values.seed);
const log = (s: string) => process.stdout.write(`${s}\n`);
const t0 = performance.now();
const secs = () => ((performance.now() - t0) / 1000).toFixed(1);

// 1. Data.
const train: Activity[] = [];
const test: { activity: Activity; arrival: number }[] = [];
for (const e of generateEvents({ users, days, seed })) {
  if (e.split === 'train') train.push(e.activity);
  else test.push({ activity: e.activity, arrival: e.arrival });
}
test.sort((a, b) => a.arrival - b.arrival);
const labels: LabelMap = new Map();
for (const a of [...train, ...test.map((t) => t.activity)]) if (a.label) labels.set(a.id, a.label);
const campaigns = campaignsOf({ users, days, seed }).map((c) => ({ id: c.id, scenario: c.scenario }));
const strip = ({ label: _l, ...a }: Activity): Activity => a;
log(`[${secs()} s] generated ${users} users × ${days} days: ${train.length} train, ${test.length} test events`);

// 2. Train (labels NOT given: the unsupervised model is what is measured), save, load.
const trained = await trainModel(train.map(strip), { name: 'quality', seed });
const store = new MemoryArtifactStore();
await saveBundle(store, 'memory://bench/quality', trained.bundle);
const model = await loadBundle(store, 'memory://bench/quality', { expectedFeatureSpecHash: FEATURE_SPEC.hash });
log(`[${secs()} s] trained: ${JSON.stringify(trained.summary.seconds)}, k-means k = ${model.manifest.metrics.kmeansK}`);

// 3. Score the test split through the serving path.
function scoreStream(m: LoadedModel, events: Activity[], engine: FeatureEngine, alertHoldMs = DEFAULT_ALERT_HOLD_MS, alertGroupMs?: number): ScoredEvent[] {
  const p = new ScoringPipeline(m, engine, { modelRef: { name: 'quality', version: 'bench' }, alertHoldMs, ...(alertGroupMs === undefined ? {} : { alertGroupMs }) });
  const out: ScoredEvent[] = [];
  for (let i = 0; i < events.length; i += 1000) {
    for (const s of p.scoreBatch(events.slice(i, i + 1000))) out.push({ eventId: s.eventId, user: s.user, time: s.time, score: s.score, alert: s.alert, reasons: s.reasons, ...(s.groupedInto === undefined ? {} : { groupedInto: s.groupedInto }) });
  }
  return out;
}
const tScore = performance.now();
const testActivities = test.map((t) => strip(t.activity));
const ours = scoreStream(model, testActivities, FeatureEngine.restore(model.profiles!));
const scoreSeconds = (performance.now() - tScore) / 1000;
const evalOurs = evaluateScores(ours, labels, campaigns);
// The learn rule for alerted events, measured on the same model: the default 24 h hold, never learning, learning at once.
const evalNever = evaluateScores(scoreStream(model, testActivities, FeatureEngine.restore(model.profiles!), NEVER_LEARN), labels, campaigns);
const evalLearning = evaluateScores(scoreStream(model, testActivities, FeatureEngine.restore(model.profiles!), 0), labels, campaigns);
// Without alert grouping (every event above the threshold is its own alert and takes a place in the queue).
const evalUngrouped = evaluateScores(scoreStream(model, testActivities, FeatureEngine.restore(model.profiles!), DEFAULT_ALERT_HOLD_MS, 0), labels, campaigns);
log(`[${secs()} s] scored ${ours.length} test events in ${scoreSeconds.toFixed(1)} s (${Math.round(ours.length / scoreSeconds)} events/s)`);

// 4. Baselines on the same features: training replay features, and test features in arrival order from the same profiles.
const trainX = replay(byEventTime(train.map(strip)), new FeatureEngine());
const testEngine = FeatureEngine.restore(model.profiles!);
const testX = new Float32Array(testActivities.length * FEATURE_SPEC.features.length);
testActivities.forEach((a, i) => { testEngine.extract(a, testX, i * trainX.dim); testEngine.learn(a); });
const alertRate = 1 - model.manifest.threshold;

function isolationForest(): Evaluation | { error: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'threatlab-if-'));
  try {
    writeFileSync(path.join(dir, 'train.f32'), trainX.data);
    writeFileSync(path.join(dir, 'test.f32'), testX);
    const r = spawnSync(values.python!, [path.resolve('bench/isolation_forest.py'), path.join(dir, 'train.f32'), path.join(dir, 'test.f32'), String(trainX.dim), path.join(dir, 'out.f32')], { encoding: 'utf8' });
    if (r.status !== 0) return { error: (r.stderr || r.error?.message || 'failed').split('\n').slice(-3).join(' ') };
    log(`isolation forest: ${r.stdout.trim()}`);
    const scores = new Float32Array(readFileSync(path.join(dir, 'out.f32')).buffer.slice(0));
    const trainScores = Float64Array.from(new Float32Array(readFileSync(path.join(dir, 'out.f32.train')).buffer.slice(0))).sort();
    // Same alert rate as our model's threshold, taken from the forest's own training scores.
    const thr = trainScores[Math.min(trainScores.length - 1, Math.floor((1 - alertRate) * trainScores.length))];
    // The same alert grouping as ours (one per user per 24 h: a baseline has no reasons to tell kinds apart).
    return evaluateScores(groupAlerts(testActivities.map((a, i) => ({ eventId: a.id, user: a.user, time: a.time, score: scores[i], alert: scores[i] >= thr }))), labels, campaigns);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const evalIf = isolationForest();
const firstCountry = featureIndex('user_country_first_time');
const countryMissing = featureIndex('country_missing');
const ruleScores = testActivities.map((a, i) => {
  const flag = testX[i * trainX.dim + firstCountry] >= 0.5 && testX[i * trainX.dim + countryMissing] < 0.5 ? 1 : 0;
  return { eventId: a.id, user: a.user, time: a.time, score: flag, alert: flag === 1 };
});
const evalRule = evaluateScores(groupAlerts(ruleScores), labels, campaigns);

// 5. Real attack samples: same model, no history (a fresh engine), events in time order.
interface RealResult { events: number; malicious?: number; averagePrecision?: number; maliciousRanks?: number[]; alerted: number; medianScore: number; topReasons?: string[] }
const enricher = createEnricher();
async function readFileActs(file: string): Promise<Activity[]> {
  const out: Activity[] = [];
  for await (const { activities } of normalizeFile(file)) for (const a of activities) out.push(enricher.enrich(a));
  return out;
}
function rank(acts: Activity[], isMal?: (a: Activity) => boolean): RealResult {
  const sorted = byEventTime(acts);
  const scored = scoreStream(model, sorted, new FeatureEngine());
  const median = [...scored.map((s) => s.score)].sort((a, b) => a - b)[Math.floor(scored.length / 2)] ?? 0;
  const r: RealResult = { events: scored.length, alerted: scored.filter((s) => s.alert).length, medianScore: Number(median.toFixed(4)) };
  const top = [...scored].sort((a, b) => b.score - a.score)[0];
  r.topReasons = top?.reasons?.slice(0, 2).map((x) => x.detail);
  if (isMal) {
    const pos = sorted.map(isMal);
    const order = rankOrder(scored);
    r.malicious = pos.filter(Boolean).length;
    r.averagePrecision = Number(averagePrecision(scored.map((s) => s.score), pos, order).toFixed(4));
    r.maliciousRanks = order.map((idx, k) => (pos[idx] ? k + 1 : 0)).filter((k) => k > 0);
  }
  return r;
}
const real: Record<string, RealResult | { error: string }> = {};
const ds = values.datasets!;
async function tryReal(name: string, f: () => Promise<RealResult>) {
  try {
    real[name] = await f();
  } catch (err) {
    real[name] = { error: (err as Error).message };
  }
}
await tryReal('cloudtrail_otrf_ec2_proxy_s3_exfiltration', async () => {
  const dir = path.join(ds, 'aws_cloudtrail/OTRF_Security-Datasets');
  const file = readdirSync(dir).find((f) => f.startsWith('ec2_proxy_s3_exfiltration') && f.endsWith('.json'))!;
  const mal = new Set(readFileSync(path.join(dir, 'ec2_proxy_s3_exfiltration_labels.csv'), 'utf8').split('\n').slice(1).filter((l) => l.split(',')[4] === 'malicious').map((l) => l.split(',')[0]));
  return rank(await readFileActs(path.join(dir, file)), (a) => mal.has(a.id));
});
await tryReal('cloudtrail_stratus_red_team', async () => {
  const dir = path.join(ds, 'aws_cloudtrail/DataDog_stratus-red-team');
  const acts: Activity[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) acts.push(...await readFileActs(path.join(dir, f)));
  return rank(acts);
});
for (const [name, rel] of [['okta_panther_scenarios', 'okta/panther-analysis/test-scenarios_okta.ndjson'], ['cloudtrail_panther_scenarios', 'aws_cloudtrail/panther-analysis/test-scenarios_aws_cloudtrail.ndjson'], ['gworkspace_panther_scenarios', 'google_workspace/panther-analysis/test-scenarios_google_workspace.ndjson']] as const) {
  await tryReal(name, async () => {
    const acts: Activity[] = [];
    const mal = new Set<string>();
    for (const line of readFileSync(path.join(ds, rel), 'utf8').split('\n').filter(Boolean)) {
      const rec = JSON.parse(line) as { label?: string; event?: unknown };
      for (const a of normalizeRecord(rec.event).activities) {
        acts.push(enricher.enrich(a));
        if (rec.label === 'malicious') mal.add(a.id);
      }
    }
    return rank(acts, (a) => mal.has(a.id));
  });
}
for (const [name, rel] of [['o365_otrf_golden_saml', 'o365/OTRF_Security-Datasets/OfficeActivityEvents.json'], ['entra_otrf_golden_saml', 'entra_id/OTRF_Security-Datasets/AADAuditEvents.json']] as const) {
  await tryReal(name, async () => rank(await readFileActs(path.join(ds, rel))));
}

// 6. Report.
const pick = (e: Evaluation | { error: string }) => ('error' in e ? e : {
  averagePrecision: Number(e.averagePrecision.toFixed(4)), rocAuc: Number(e.rocAuc.toFixed(4)),
  campaignRecall: e.campaignRecall, campaignRecallAt05: e.campaignRecall['0.005'], campaignRecallPerEvent: e.campaignRecallPerEvent,
  alertsPer1000UserDays: Number(e.alertsPer1000UserDays.toFixed(1)), alertPrecision: Number(e.alertPrecision.toFixed(3)),
  campaignRecallAtThreshold: Number(e.campaignRecallAtThreshold.toFixed(3)),
  perScenario: Object.fromEntries(Object.entries(e.perScenario).map(([k, v]) => [k, Number(v.recall.toFixed(3))])),
});
const result = {
  users, days, seed, trainEvents: train.length, testEvents: test.length, campaigns: evalOurs.campaigns, malicious: evalOurs.malicious,
  model: pick(evalOurs), modelUngrouped: pick(evalUngrouped), modelNeverLearningAlerts: pick(evalNever), modelLearningAlerts: pick(evalLearning), isolationForest: pick(evalIf), firstSeenCountry: pick(evalRule),
  scoreEventsPerSec: Math.round(ours.length / scoreSeconds), trainSeconds: trained.summary.seconds, realSamples: real,
  seconds: Number(secs()),
};
for (const [name, e] of [['threatlab hold 24 h', evalOurs], ['threatlab no grouping', evalUngrouped], ['threatlab never learn', evalNever], ['threatlab learn at once', evalLearning], ['isolation forest', evalIf], ['first-seen country', evalRule]] as const) {
  if ('error' in e) {
    log(`${name}: failed: ${e.error}`);
    continue;
  }
  log(`${name.padEnd(20)} AP ${e.averagePrecision.toFixed(3)}  ROC-AUC ${e.rocAuc.toFixed(3)}  campaign recall @0.1/0.5/1 %: ${Object.values(e.campaignRecall).map((v) => v.toFixed(2)).join('/')} (per event ${Object.values(e.campaignRecallPerEvent).map((v) => v.toFixed(2)).join('/')})  alerts/1000 user-days ${e.alertsPer1000UserDays.toFixed(1)} (precision ${e.alertPrecision.toFixed(2)})`);
  log(`${''.padEnd(20)} per scenario @0.5 %: ${Object.entries(e.perScenario).map(([k, v]) => `${k} ${v.caughtAtHalfPercent}/${v.campaigns}`).join(', ')}`);
}
for (const [name, r] of Object.entries(real)) log(`real ${name}: ${JSON.stringify(r)}`);
log(JSON.stringify(result));
