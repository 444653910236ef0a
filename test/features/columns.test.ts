import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { columnsToRows, extractColumns, FEATURE_SPEC, FeatureEngine, featureIndex, toDataFrame } from '../../src/features/index.js';
import { activity, HOUR, SYDNEY, T0 } from './fixtures.js';

const events = Array.from({ length: 40 }, (_, i) =>
  (i === 30 ? activity({ id: `e${i}`, time: T0 + i * HOUR, geo: { ...SYDNEY } }) : activity({ id: `e${i}`, time: T0 + i * HOUR })));

describe('extractColumns', () => {
  it('gives one column per feature, row i = the features process() gives event i', () => {
    const cols = extractColumns(events, new FeatureEngine());
    assert.equal(cols.columns.length, FEATURE_SPEC.features.length);
    assert.deepEqual(cols.ids, events.map((a) => a.id));
    assert.deepEqual(Array.from(cols.times), events.map((a) => a.time));
    const e = new FeatureEngine();
    const row = new Float32Array(e.dim);
    events.forEach((a, i) => {
      e.process(a, row);
      cols.columns.forEach((c, f) => assert.equal(c[i], row[f]));
    });
    assert.equal(cols.columns[featureIndex('user_country_first_time')][30], 1);
    assert.equal(columnsToRows(cols)[30 * e.dim + featureIndex('impossible_travel')], 1);
  });

  it('with learn: false scores every event against the frozen state', () => {
    const cols = extractColumns(events, new FeatureEngine(), { learn: false });
    assert.ok(cols.columns[featureIndex('new_user')].every((v) => v === 1));
  });
});

describe('toDataFrame', () => {
  it('builds a danfojs DataFrame with ids, users, times and every feature', async () => {
    const cols = extractColumns(events.slice(0, 5), new FeatureEngine());
    const df = await toDataFrame(cols);
    assert.deepEqual(df.shape, [5, FEATURE_SPEC.features.length + 3]);
    assert.deepEqual(df.column('id').values, cols.ids);
    assert.equal(df.column('user_event_count').values[4], 4);
  });
});
