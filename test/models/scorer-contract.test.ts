/**
 * The contract every scorer must pass (River-style check suite): never NaN (also with
 * NaN/Infinity inputs), seeded fits repeat, a save/load round trip scores identically,
 * and — where the model has no notion of column order — permuting the features does
 * not change the scores.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AutoencoderScorer, ClassifierScorer, KMeansScorer, PrevalenceScorer, discoverDimensions, fitAutoencoder, fitClassifier,
  fitHistograms, fitKMeans, loadLayersModelBytes, saveLayersModel, PREVALENCE_ALPHA,
  type FeatureMatrix, type PrevalenceParams, type Scorer,
} from '../../src/models/index.js';
import { seededRandom } from '../../src/models/random.js';

const DIMS = ['country', 'app'];
/** Synthetic features shaped like the engine's prevalence block plus numeric behaviour columns. */
const NAMES = [
  ...DIMS.flatMap((c) => [`user_${c}_seen_count`, `user_${c}_share`, `tenant_${c}_peer_users`, `tenant_${c}_peer_share`, `${c}_missing`]),
  'user_event_count', 'downloads_1h', 'hour_unusual', 'travel_speed_kmh',
];

function synthetic(rows: number, seed: number): FeatureMatrix {
  const rnd = seededRandom(seed);
  const dim = NAMES.length;
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const o = r * dim;
    const total = Math.floor(rnd() * 500);
    DIMS.forEach((_, k) => {
      const seen = rnd() < 0.05 ? 0 : Math.floor(total * (0.5 + rnd() / 2));
      data[o + k * 5] = seen;
      data[o + k * 5 + 1] = total ? seen / total : 0;
      data[o + k * 5 + 2] = Math.floor(rnd() * 30);
      data[o + k * 5 + 3] = rnd();
      data[o + k * 5 + 4] = rnd() < 0.02 ? 1 : 0;
    });
    data[o + 10] = total;
    data[o + 11] = rnd() < 0.5 ? Math.floor(rnd() * 5) : Math.floor(rnd() * 3) * 10;
    data[o + 12] = rnd();
    data[o + 13] = rnd() < 0.01 ? 2000 * rnd() : 0;
  }
  return { data, rows, dim };
}

function permute(x: FeatureMatrix, perm: number[]): FeatureMatrix {
  const data = new Float32Array(x.data.length);
  for (let r = 0; r < x.rows; r++) perm.forEach((from, to) => { data[r * x.dim + to] = x.data[r * x.dim + from]; });
  return { data, rows: x.rows, dim: x.dim };
}

function withBadValues(x: FeatureMatrix): FeatureMatrix {
  const data = x.data.slice();
  const bad = [NaN, Infinity, -Infinity, 1e30, -1e30];
  for (let i = 0; i < data.length; i += 7) data[i] = bad[i % bad.length];
  return { data, rows: x.rows, dim: x.dim };
}

const train = synthetic(1500, 1);
const probe = synthetic(300, 2);

interface Case {
  name: string;
  fit(x: FeatureMatrix, names: readonly string[], seed: number): Promise<Scorer>;
  /** Serialise and rebuild, as a bundle would. */
  roundTrip(s: Scorer, names: readonly string[]): Promise<Scorer>;
  permutationInvariant: boolean;
}

const labels = Int8Array.from({ length: train.rows }, (_, r) => (train.data[r * train.dim] === 0 ? 1 : 0));

const CASES: Case[] = [
  {
    name: 'prevalence (dimensions)',
    fit: async (_x, names) => new PrevalenceScorer({ kind: 'prevalence', mode: 'dimensions', alpha: PREVALENCE_ALPHA, dimensions: discoverDimensions(names), histograms: [] }, names),
    roundTrip: async (s, names) => new PrevalenceScorer(JSON.parse(JSON.stringify((s as PrevalenceScorer).params)) as PrevalenceParams, names),
    permutationInvariant: true,
  },
  {
    name: 'prevalence (histogram fallback)',
    fit: async (x, names) => new PrevalenceScorer({ kind: 'prevalence', mode: 'histogram', alpha: PREVALENCE_ALPHA, dimensions: [], histograms: fitHistograms(x, names.map((_, j) => j)) }, names),
    roundTrip: async (s, names) => new PrevalenceScorer(JSON.parse(JSON.stringify((s as PrevalenceScorer).params)) as PrevalenceParams, names),
    permutationInvariant: true,
  },
  {
    name: 'k-means',
    fit: async (x, names, seed) => new KMeansScorer(fitKMeans(x, { featureNames: names, seed, candidates: [2, 3, 4] }), names),
    roundTrip: async (s, names) => new KMeansScorer(JSON.parse(JSON.stringify((s as KMeansScorer).params)), names),
    permutationInvariant: true,
  },
  {
    name: 'autoencoder (tfjs)',
    fit: async (x, names, seed) => {
      const { params, model } = await fitAutoencoder(x, { seed, epochs: 3 });
      return new AutoencoderScorer(params, model, names);
    },
    roundTrip: async (s, names) => {
      const ae = s as AutoencoderScorer;
      const files = await saveLayersModel(ae.model, 'w.bin');
      const model = await loadLayersModelBytes(files, 'autoencoder', names.length, names.length);
      return new AutoencoderScorer(JSON.parse(JSON.stringify(ae.params)), model, names);
    },
    permutationInvariant: false,
  },
  {
    name: 'classifier (tfjs)',
    fit: async (x, names, seed) => {
      const { params, model } = await fitClassifier(x, labels, { seed, epochs: 3 });
      return new ClassifierScorer(params, model, names);
    },
    roundTrip: async (s, names) => {
      const c = s as ClassifierScorer;
      const files = await saveLayersModel(c.model, 'w.bin');
      const model = await loadLayersModelBytes(files, 'classifier', names.length, 1);
      return new ClassifierScorer(JSON.parse(JSON.stringify(c.params)), model, names);
    },
    permutationInvariant: false,
  },
];

for (const c of CASES) {
  test(`${c.name}: never NaN, also on NaN/Infinity/huge inputs; reasons are finite`, async () => {
    const s = await c.fit(train, NAMES, 1);
    for (const x of [probe, withBadValues(probe)]) {
      const scores = s.scoreMany(x);
      assert.equal(scores.length, x.rows);
      assert.ok(scores.every(Number.isFinite), 'a score is not finite');
      for (let r = 0; r < 20; r++) {
        for (const reason of s.explain(x, r)) {
          assert.ok(Number.isFinite(reason.value), `${reason.feature} value ${reason.value}`);
          assert.ok(reason.detail.length > 0 && !reason.detail.includes('NaN'), reason.detail);
        }
      }
    }
  });

  test(`${c.name}: seeded fits repeat`, async () => {
    const a = (await c.fit(train, NAMES, 7)).scoreMany(probe);
    const b = (await c.fit(train, NAMES, 7)).scoreMany(probe);
    assert.deepEqual(Array.from(a), Array.from(b));
  });

  test(`${c.name}: save/load round trip gives identical scores`, async () => {
    const s = await c.fit(train, NAMES, 3);
    const back = await c.roundTrip(s, NAMES);
    assert.deepEqual(Array.from(back.scoreMany(probe)), Array.from(s.scoreMany(probe)));
    assert.deepEqual(back.explain(probe, 5), s.explain(probe, 5));
  });

  if (c.permutationInvariant) {
    test(`${c.name}: feature order does not matter`, async () => {
      const perm = NAMES.map((_, i) => i).reverse();
      const names = perm.map((i) => NAMES[i]);
      const a = (await c.fit(train, NAMES, 5)).scoreMany(probe);
      const b = (await c.fit(permute(train, perm), names, 5)).scoreMany(permute(probe, perm));
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= 1e-4 * Math.max(1, Math.abs(v)), `row ${i}: ${v} vs ${b[i]}`));
    });
  }
}

test('prevalence: a value the user never used scores higher than one they always use, and a new user is judged by the tenant', async () => {
  const names = NAMES;
  const s = new PrevalenceScorer({ kind: 'prevalence', mode: 'dimensions', alpha: PREVALENCE_ALPHA, dimensions: discoverDimensions(names), histograms: [] }, names);
  const row = (seen: number, total: number, peerShare: number) => {
    const d = new Float32Array(names.length);
    d[0] = seen; d[1] = total ? seen / total : 0; d[2] = Math.round(peerShare * 100); d[3] = peerShare;
    d[5] = total; d[6] = total ? 1 : 0; d[7] = 5; d[8] = 1; // app: usual
    d[10] = total;
    return d;
  };
  const rows = [row(400, 400, 0.9), row(0, 400, 0.9), row(0, 400, 0.0), row(0, 0, 0.9), row(0, 0, 0.0)];
  const data = new Float32Array(rows.length * names.length);
  rows.forEach((r, i) => data.set(r, i * names.length));
  const [usual, newButCommon, newAndUnique, newUserCommon, newUserUnique] = s.scoreMany({ data, rows: rows.length, dim: names.length });
  assert.ok(newButCommon > usual);
  assert.ok(newAndUnique > newButCommon, 'a value no peer uses is rarer than one most peers use');
  assert.ok(newUserUnique > newUserCommon, 'a new user is judged by the tenant');
  assert.ok(newAndUnique > newUserUnique, 'a long history makes a first-time value more surprising than for a new user');
});

test('prevalence: correlated dimensions are one surprise, independent families add up', async () => {
  const { FEATURE_SPEC } = await import('../../src/features/index.js');
  const names = FEATURE_SPEC.features.map((f) => f.name);
  const dims = discoverDimensions(names);
  assert.deepEqual([...new Set(dims.map((d) => d.family))].sort(), ['activity', 'client', 'location']);
  const at = (n: string) => { const i = names.indexOf(n); assert.ok(i >= 0, n); return i; };
  /** A user with 500 events; `fresh` dimensions were never used by the user nor the tenant, the rest always. */
  const row = (...fresh: string[]) => {
    const d = new Float32Array(names.length);
    d[at('user_event_count')] = 500;
    for (const c of dims.map((x) => x.name)) {
      const isNew = fresh.includes(c);
      d[at(`user_${c}_seen_count`)] = isNew ? 0 : 500;
      d[at(`user_${c}_share`)] = isNew ? 0 : 1;
      d[at(`tenant_${c}_peer_share`)] = isNew ? 0 : 0.9;
    }
    return d;
  };
  const score = (p: PrevalenceScorer, ...fresh: string[]) => p.scoreMany({ data: row(...fresh), rows: 1, dim: names.length })[0];
  const s = new PrevalenceScorer({ kind: 'prevalence', mode: 'dimensions', alpha: PREVALENCE_ALPHA, dimensions: dims, histograms: [] }, names);
  const trip = score(s, 'country', 'city', 'asn', 'ip24');
  const takeover = score(s, 'country', 'city', 'asn', 'ip24', 'device', 'user_agent');
  const newCountry = score(s, 'country');
  assert.ok(trip < 2 * newCountry, `a new country with its city, ASN and /24 is about one surprise (${trip} vs ${newCountry})`);
  assert.ok(takeover > 1.4 * trip, `a new location with a new device adds a second surprise (${takeover} vs ${trip})`);
  // A bundle written before families: every dimension in one family, scored as it was trained.
  const legacy = new PrevalenceScorer({ kind: 'prevalence', mode: 'dimensions', alpha: PREVALENCE_ALPHA, dimensions: dims.map(({ family: _f, ...d }) => d), histograms: [] }, names);
  assert.ok(score(legacy, 'country', 'city', 'asn', 'ip24', 'device', 'user_agent') < 2 * score(legacy, 'country'));
});
