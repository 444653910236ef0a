import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Activity } from '../../src/events/activity.js';
import { FEATURE_SPEC, FeatureEngine } from '../../src/features/index.js';
import { activity, bareActivity, DAY, HOUR, LONDON, NEW_YORK, SYDNEY, T0 } from './fixtures.js';

/** A few users over a few days, with travel, downloads, failures and bare events. */
function history(users: number, days: number): Activity[] {
  const out: Activity[] = [];
  const places = [LONDON, NEW_YORK, SYDNEY];
  for (let d = 0; d < days; d++) {
    for (let u = 0; u < users; u++) {
      for (let k = 0; k < 6; k++) {
        const time = T0 + d * DAY + (u % 5) * HOUR + k * 7 * 60_000;
        const geo = { ...places[(u + (d === days - 1 ? 1 : 0)) % places.length] };
        out.push(k === 5
          ? bareActivity({ user: `u${u}@contoso.com`, time })
          : activity({
            user: `u${u}@contoso.com`, time, geo, ip: `203.0.${u}.${k}`,
            action: k === 2 ? 'file_download' : k === 3 ? 'login_failed' : 'login',
            object: k === 2 ? { type: 'file', id: `doc-${u}-${d}`, name: null, external: false, bytes: 5000 * (k + 1) } : null,
          }));
      }
    }
  }
  return out;
}

function run(engine: FeatureEngine, events: readonly Activity[]): Float32Array {
  const out = new Float32Array(events.length * engine.dim);
  events.forEach((a, i) => engine.process(a, out, i * engine.dim));
  return out;
}

describe('feature snapshots', () => {
  const past = history(12, 5);
  const future = history(12, 8).filter((a) => a.time >= T0 + 5 * DAY);

  it('restore gives identical features afterwards', () => {
    const original = new FeatureEngine();
    run(original, past);
    const bytes = original.snapshot();
    const restored = FeatureEngine.restore(bytes);
    assert.deepEqual(restored.stats().users, original.stats().users);
    assert.deepEqual(run(restored, future), run(original, future));
    // …and snapshots again to the same bytes' worth of state.
    assert.deepEqual(FeatureEngine.restore(restored.snapshot()).stats().users, restored.stats().users);
  });

  it('snapshotUsers + mergeSnapshot move some users to another engine with identical features', () => {
    const source = new FeatureEngine();
    run(source, past);
    const moving = ['u1@contoso.com', 'u4@contoso.com', 'nobody@contoso.com'];
    const target = new FeatureEngine();
    target.mergeSnapshot(source.snapshotUsers(moving));
    assert.equal(target.stats().users, 2);
    const probe = future.filter((a) => a.user === 'u1@contoso.com' || a.user === 'u4@contoso.com');
    assert.ok(probe.length > 10);
    assert.deepEqual(run(target, probe), run(source, probe));
  });

  it('restores into a smaller maxUsers by keeping the most recently active users intact', () => {
    const source = new FeatureEngine();
    const staggered = past.map((a) => ({ ...a, time: a.time + Number(a.user.slice(1, a.user.indexOf('@'))) * 60_000 }));
    run(source, staggered);
    const small = FeatureEngine.restore(source.snapshot(), { maxUsers: 6 });
    assert.ok(small.stats().users <= 6);
    assert.ok(small.stats().evictedUsers > 0);
    const recent = future.filter((a) => a.user === 'u11@contoso.com');
    assert.deepEqual(run(small, recent).subarray(0, small.dim), run(source, recent).subarray(0, source.dim));
  });

  it('is compact: well under 4 KB per user', () => {
    const e = new FeatureEngine();
    run(e, past);
    assert.ok(e.snapshot().length / e.stats().users < 4096, `${e.snapshot().length} bytes for ${e.stats().users} users`);
  });

  it('refuses a snapshot of another feature spec', () => {
    const e = new FeatureEngine();
    run(e, past.slice(0, 50));
    const bytes = e.snapshot();
    const text = new TextDecoder().decode(bytes.subarray(0, 400));
    const at = text.indexOf(FEATURE_SPEC.hash);
    assert.ok(at > 0);
    const forged = bytes.slice();
    forged[at] = forged[at] === 0x30 ? 0x31 : 0x30; // one hex digit of the hash
    assert.throws(() => FeatureEngine.restore(forged), { code: 'THREATLAB_FEATURE_SPEC_MISMATCH' });
  });

  it('rejects bytes that are not a snapshot, or a truncated one, with an input error', () => {
    assert.throws(() => FeatureEngine.restore(new Uint8Array([1, 2, 3])), { code: 'THREATLAB_INPUT' });
    assert.throws(() => FeatureEngine.restore(new TextEncoder().encode('{"not":"a snapshot at all"}')), { code: 'THREATLAB_INPUT' });
    const e = new FeatureEngine();
    run(e, past.slice(0, 50));
    const bytes = e.snapshot();
    assert.throws(() => FeatureEngine.restore(bytes.subarray(0, bytes.length - 64)), { code: 'THREATLAB_INPUT' });
  });

  it('keeps the lateness counter across a restore', () => {
    const e = new FeatureEngine();
    run(e, past);
    e.learn(activity({ time: T0 - 10 * DAY }));
    assert.equal(FeatureEngine.restore(e.snapshot()).stats().tooLate, 1);
  });
});
