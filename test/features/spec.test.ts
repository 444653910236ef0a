import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FEATURE_DIM, FEATURE_SPEC, FeatureEngine, featureIndex, featureSpecHash, type FeatureDef } from '../../src/features/index.js';

const withFeatures = (features: FeatureDef[]) => ({ version: FEATURE_SPEC.version, features });

describe('FEATURE_SPEC', () => {
  it('has unique names, a meaning for every feature, finite missing values, and matches the engine', () => {
    const names = FEATURE_SPEC.features.map((f) => f.name);
    assert.equal(new Set(names).size, names.length);
    for (const f of FEATURE_SPEC.features) {
      assert.match(f.name, /^[a-z0-9_]+$/);
      assert.ok(f.meaning.length > 20, f.name);
      assert.ok(Number.isFinite(f.missing), f.name);
    }
    assert.equal(FEATURE_SPEC.features.length, FEATURE_DIM);
    assert.equal(new FeatureEngine().dim, FEATURE_DIM);
    assert.ok(Object.isFrozen(FEATURE_SPEC));
  });

  it('hashes to its own recorded sha256, stably', () => {
    assert.match(FEATURE_SPEC.hash, /^[0-9a-f]{64}$/);
    assert.equal(featureSpecHash(), FEATURE_SPEC.hash);
    assert.equal(featureSpecHash(withFeatures(FEATURE_SPEC.features.slice())), FEATURE_SPEC.hash);
  });

  it('changes the hash when any feature changes', () => {
    const base = FEATURE_SPEC.features.slice();
    const i = featureIndex('impossible_travel');
    const variants: FeatureDef[][] = [
      base.map((f, k) => (k === i ? { ...f, name: 'impossible_travel_v2' } : f)),
      base.map((f, k) => (k === i ? { ...f, type: 'numeric' } : f)),
      base.map((f, k) => (k === i ? { ...f, missing: -1 } : f)),
      [base[1], base[0], ...base.slice(2)],
      base.slice(0, -1),
      [...base, { name: 'extra', type: 'flag', meaning: 'an extra feature', missing: 0 }],
    ];
    const hashes = new Set(variants.map((v) => featureSpecHash(withFeatures(v))));
    assert.equal(hashes.size, variants.length);
    assert.ok(!hashes.has(FEATURE_SPEC.hash));
    assert.notEqual(featureSpecHash({ version: 'other', features: base }), FEATURE_SPEC.hash);
  });

  it('looks features up by name and fails loudly on a typo', () => {
    assert.equal(FEATURE_SPEC.features[featureIndex('dormancy_hours')].name, 'dormancy_hours');
    assert.throws(() => featureIndex('dormancy_hour'), /unknown feature/);
  });
});
