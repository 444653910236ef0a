/**
 * The engine's stated guarantee (src/features/README.md, "Parity"): a generated dataset
 * replayed in event-time order vs streamed in arrival order with random delays up to 24 h.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Activity } from '../../src/events/activity.js';
import { generateEvents } from '../../src/events/generate/index.js';
import { FEATURE_SPEC, FeatureEngine, measureParity, type ParityReport } from '../../src/features/index.js';
import { PARITY_GUARANTEE } from '../../src/features/guarantee.js';

const HOUR = 3_600_000;

/** Seeded delays: 90 % arrive within 5 minutes, 10 % uniformly up to 24 h late. */
function arrivals(events: readonly Activity[], seed: number): Float64Array {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Float64Array.from(events, (a) => a.time + (rnd() < 0.1 ? rnd() * 24 * HOUR : rnd() * 5 * 60_000));
}

describe('feature parity: event-time replay vs arrival-order stream', () => {
  let events: Activity[] = [];
  let arrival: Float64Array;
  let report: ParityReport;

  before(() => {
    events = Array.from(generateEvents({ users: 30, days: 10, seed: 21 }), (g) => g.activity);
    arrival = arrivals(events, 99);
    report = measureParity(events, arrival);
  });

  it('uses a dataset where lateness really reorders events', () => {
    assert.ok(events.length > 3000, `${events.length} events`);
    let late = 0;
    for (let i = 0; i < events.length; i++) if (arrival[i] - events[i].time > HOUR) late++;
    assert.ok(late > 0.05 * events.length, `${late} late events`);
    assert.equal(report.tooLate, 0, 'delays within the lateness bound are never too late');
  });

  for (const g of PARITY_GUARANTEE) {
    it(`${g.group}: ${g.measure} agreement ≥ ${g.atLeast}`, () => {
      const failures: string[] = [];
      FEATURE_SPEC.features.forEach((f, i) => {
        if (!g.features.test(f.name)) return;
        const share = g.measure === 'exact' ? report.agreement[i] : g.measure === 'close' ? report.closeAgreement[i] : report.withinBucket[i];
        if (share < g.atLeast) failures.push(`${f.name} ${share.toFixed(4)}`);
      });
      assert.deepEqual(failures, []);
    });
  }

  it('every feature is covered by exactly one guarantee', () => {
    for (const f of FEATURE_SPEC.features) {
      const groups = PARITY_GUARANTEE.filter((g) => g.features.test(f.name)).map((g) => g.group);
      assert.equal(groups.length, 1, `${f.name}: ${groups.join(', ') || 'none'}`);
    }
  });

  it('converges: once every event has arrived, both orders give identical features', () => {
    const replay = new FeatureEngine();
    const stream = new FeatureEngine();
    const byTime = events.map((_, i) => i).sort((x, y) => events[x].time - events[y].time || x - y);
    const byArrival = events.map((_, i) => i).sort((x, y) => arrival[x] - arrival[y] || x - y);
    for (const i of byTime) replay.learn(events[i]);
    for (const i of byArrival) stream.learn(events[i]);
    const end = Math.max(...events.map((a) => a.time));
    const probes = new Map<string, Activity>();
    for (const a of events) probes.set(a.user, { ...a, id: `probe-${a.user}`, time: end + HOUR });
    const x = new Float32Array(replay.dim);
    const y = new Float32Array(stream.dim);
    const differing = new Map<string, number>();
    let values = 0;
    let differ = 0;
    for (const p of probes.values()) {
      replay.extract(p, x);
      stream.extract(p, y);
      x.forEach((v, i) => {
        values++;
        if (Math.abs(v - y[i]) <= 1e-5 * Math.max(1, Math.abs(v))) return;
        differ++;
        const name = FEATURE_SPEC.features[i].name;
        differing.set(name, (differing.get(name) ?? 0) + 1);
      });
    }
    assert.ok(probes.size >= 25);
    // Only what reads a top-K profile may differ: which value a full top-K evicts depends on arrival order
    // (the categorical features, usual cities, and the usual time zone of an event without one).
    const topK = /^((user|tenant)_[a-z0-9]+(_agent)?_\w+|usual_location_(km|unknown)|local_hour|weekday|weekend|hour_share|hour_unusual|sensitive_\w+)$/;
    for (const name of differing.keys()) assert.match(name, topK, `${name} differs`);
    assert.ok(differ <= 0.01 * values, `${differ} of ${values} values differ: ${JSON.stringify(Object.fromEntries(differing))}`);
  });
});
