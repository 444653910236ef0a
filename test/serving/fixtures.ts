/**
 * Test fixtures for serving: small but REAL model bundles (k-means on real features of
 * a small synthetic population, calibrated, with the training profiles), and
 * Activities to stream. Nothing is mocked: the bundle loads through loadBundle.
 */
import type { Activity } from '../../src/events/activity.js';
import { FEATURE_SPEC, FeatureEngine } from '../../src/features/index.js';
import {
  BUNDLE_FORMAT_VERSION, CompiledModel, KMeansScorer, PROFILES_FILE, fitCalibration, fitKMeans, saveBundle, type BundleManifest,
} from '../../src/models/index.js';
import type { Config } from '../../src/config/index.js';
import { encodeModelUpdate } from '../../src/registry/index.js';
import type { ArtifactStore, ModelUpdateMessage } from '../../src/registry/types.js';
import type { BusProducer, EventBus } from '../../src/streaming/index.js';

const HOUR = 3_600_000;
const BASE = Date.UTC(2026, 9, 1);
const CITIES = [
  { country: 'DE', city: 'Berlin', lat: 52.52, lon: 13.4, timeZone: 'Europe/Berlin', ip: '85.214.132.' },
  { country: 'FR', city: 'Paris', lat: 48.86, lon: 2.35, timeZone: 'Europe/Paris', ip: '90.84.12.' },
];

/** A normal workday event of user `u` (index `i` in their history). */
export function activity(u: number, i: number, overrides: Partial<Activity> = {}): Activity {
  const c = CITIES[u % CITIES.length];
  const time = BASE + Math.floor(i / 8) * 24 * HOUR + (8 + (i % 8)) * HOUR + (u % 50) * 60_000;
  return {
    schemaVersion: 1, id: `evt-${u}-${i}`, time, vendor: 'generic', tenant: 'acme', user: `user${u}@acme.example`,
    app: 'Exchange', action: i % 3 === 0 ? 'login' : 'mail_access', rawAction: 'x', outcome: 'success',
    ip: `${c.ip}${(u % 200) + 1}`, geo: { country: c.country, city: c.city, lat: c.lat, lon: c.lon, timeZone: c.timeZone },
    asn: 3320, asnOrg: 'Example Telecom', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0',
    device: { id: null, family: 'desktop', os: 'Windows', browser: 'Chrome' }, object: null,
    ...overrides,
  };
}

/** An event nobody in the population does: new country, far away, odd hour, sensitive action. */
export function attack(u: number, i: number): Activity {
  return activity(u, i, {
    id: `attack-${u}-${i}`, action: 'mail_forward_rule', ip: '41.58.10.7', asn: 37148, asnOrg: 'Far Away Hosting',
    geo: { country: 'NG', city: 'Lagos', lat: 6.45, lon: 3.39, timeZone: 'Africa/Lagos' },
    userAgent: 'python-requests/2.31', device: { id: null, family: 'cli', os: null, browser: null },
    time: activity(u, i).time + 15 * HOUR,
  });
}

export interface TestBundle {
  uri: string;
  manifestSha256: string;
  featureSpecHash: string;
}

/** Trains a k-means-only bundle on `users` × `perUser` normal events and saves it under `uri`. */
export async function writeRealBundle(store: ArtifactStore, uri: string, options: { users?: number; perUser?: number; seed?: number; name?: string; featureSpecHash?: string } = {}): Promise<TestBundle> {
  const users = options.users ?? 40;
  const perUser = options.perUser ?? 40;
  const engine = new FeatureEngine();
  const dim = engine.dim;
  const rows = users * perUser;
  const data = new Float32Array(rows * dim);
  let r = 0;
  for (let i = 0; i < perUser; i++) {
    for (let u = 0; u < users; u++) engine.process(activity(u, i), data, (r++) * dim);
  }
  const x = { data, rows, dim };
  const featureNames = FEATURE_SPEC.features.map((f) => f.name);
  const params = fitKMeans(x, { featureNames, seed: options.seed ?? 1, candidates: [2, 3], sampleSize: 2000, silhouetteSample: 300 });
  const raw = new KMeansScorer(params, featureNames).scoreMany(x);
  const cluster = fitCalibration(raw);
  // `final` calibrates the combined value exactly as the model computes it, so ask the model.
  const scorer = { name: 'cluster' as const, scorer: new KMeansScorer(params, featureNames) };
  const draft = { calibration: { cluster, final: cluster }, weights: { cluster: 1 }, featureNames } as unknown as BundleManifest;
  const final = fitCalibration(new CompiledModel(draft, '', null, [scorer]).combinedRaw(x).combined);
  const manifest: Omit<BundleManifest, 'files'> = {
    formatVersion: BUNDLE_FORMAT_VERSION,
    name: options.name ?? 'threatlab',
    featureSpecHash: options.featureSpecHash ?? FEATURE_SPEC.hash,
    featureSpecVersion: FEATURE_SPEC.version,
    featureNames,
    components: { cluster: { params: 'cluster.json', summary: `k=${params.centroids.length}` } },
    weights: { cluster: 1 },
    calibration: { cluster, final },
    combination: { method: 'max-plus-quarter-of-others', othersWeight: 0.25 },
    threshold: 0.99,
    alertBudget: { per1000UserDays: 5, trainingAlertRate: 0.01 },
    learnAlerts: false,
    metrics: { seed: options.seed ?? 1 },
    trainingData: { events: rows, users, tenants: 1, userDays: users * Math.ceil(perUser / 8), from: null, to: null, labelledEvents: 0, maliciousEvents: 0, sources: ['fixture'] },
    createdAt: new Date().toISOString(),
    profiles: PROFILES_FILE,
  };
  const files = {
    'cluster.json': new TextEncoder().encode(JSON.stringify(params)),
    [PROFILES_FILE]: engine.snapshot(),
  };
  const { manifestSha256 } = await saveBundle(store, uri, { manifest, files });
  return { uri, manifestSha256, featureSpecHash: manifest.featureSpecHash };
}

export function updateFor(bundle: TestBundle, version: string, alias = 'champion', model = 'threatlab'): ModelUpdateMessage {
  return { model, version, alias, uri: bundle.uri, manifestSha256: bundle.manifestSha256, featureSpecHash: bundle.featureSpecHash, publishedAt: Date.now() };
}

/** The topics a serving test reads and writes, a producer, and `bundle` announced as version 1 on the model topic. */
export async function topicsWithModel(bus: EventBus, config: Readonly<Config>, bundle: TestBundle, partitions: number): Promise<BusProducer> {
  await bus.ensureTopics([
    { name: config.topics.activities, partitions }, { name: config.topics.scores, partitions },
    { name: config.topics.models, partitions: 1, compacted: true },
  ]);
  const producer = await bus.producer();
  await producer.send(config.topics.models, [encodeModelUpdate(updateFor(bundle, '1'))]);
  return producer;
}
