/**
 * kill -9 of a `threatlab serve` process under load, on the REAL Kafka, then a restart:
 *  - count in = count out by eventId: every produced event has a score;
 *  - duplicates are counted and bounded: offsets are committed after the outputs are
 *    acknowledged, at most once per commit interval (1 s), so only events the killed
 *    instance scored in its last commit interval plus the batch in flight can come
 *    again. Asserted: every duplicate was first scored by the killed instance, and there
 *    are no more duplicates than scores it emitted in the 3 s before the kill;
 *  - profiles continue from the checkpoint: each user's `user_event_count` after the
 *    restart includes the events learned before the crash (a reset could not reach it).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Config } from '../../src/config/index.js';
import { FEATURE_SPEC } from '../../src/features/index.js';
import { FileArtifactStore } from '../../src/registry/index.js';
import { createLogger } from '../../src/serving/logger.js';
import { busFromConfig, type BusConsumer, type BusProducer, type EventBus } from '../../src/streaming/index.js';
import { topicsWithModel, writeRealBundle } from '../serving/fixtures.js';
import { requireStack } from '../support/stack.js';
import { SteadyProducer, readCheckpoint, serveEnv, startServe, stopServe, userEventCount, type ServeProcess } from './serve-process.js';
import { freshConfig, until, writeEdited } from './support.js';

const USERS = 10;
const PARTITIONS = 2;
/** Events per user before the crash (all scored and checkpointed) and around it. */
const BEFORE = 80;
const AROUND = 30;
const DUPLICATE_WINDOW_MS = 3_000;
const IN_FLIGHT_MS = 2_000;

interface Seen {
  id: string;
  at: number;
  alert: boolean;
  user: string;
}

describe('kill -9 of threatlab serve under load, and a restart', () => {
  let config: Readonly<Config>;
  let bus: EventBus;
  let producer: BusProducer;
  let reader: BusConsumer;
  let store: FileArtifactStore;
  let baseline: number[] = [];
  const seen: Seen[] = [];
  const children: ServeProcess[] = [];

  before(async () => {
    const env = await requireStack(['kafka']);
    const stateDir = mkdtempSync(path.join(tmpdir(), 'tl-crash-'));
    config = freshConfig({ KAFKA_BROKERS: env.KAFKA_BROKERS }, 'rel-crash', { stateDir, artifactRoot: `file://${stateDir}/artifacts` });
    store = new FileArtifactStore([stateDir]);
    const trained = await writeRealBundle(store, `${config.artifactRoot}/models/trained`, { seed: 1, users: USERS, perUser: 24 });
    // This test is about state, not detection: with the alert threshold at 1 every event is
    // learned into the profiles (alerts are not), so the counts below are exact.
    const bundle = await writeEdited(store, trained.uri, `${config.artifactRoot}/models/v1`, (b) => ({ ...b, manifest: { ...b.manifest, threshold: 1, learnThreshold: 1 } }));
    const profiles = await store.get(`${bundle.uri}/profiles.bin`);
    baseline = Array.from({ length: USERS }, (_, u) => userEventCount(profiles, u));
    bus = busFromConfig(config, { logger: createLogger('silent') });
    producer = await topicsWithModel(bus, config, bundle, PARTITIONS);
    reader = bus.consumer({
      topics: [config.topics.scores], fromBeginning: true,
      eachBatch: async (b) => {
        const at = Date.now();
        for (const m of b.messages) {
          const s = JSON.parse(m.value!.toString()) as { eventId: string; alert: boolean; user: string };
          seen.push({ id: s.eventId, at, alert: s.alert, user: s.user });
        }
      },
    });
    await reader.run();
  });

  after(async () => {
    for (const c of children) await stopServe(c, 'SIGKILL');
    await reader?.stop();
    await producer?.disconnect();
    await bus?.close();
  });

  it('every event is scored, duplicates are bounded, profiles continue', async () => {
    const childEnv = serveEnv(config, { THREATLAB_CHECKPOINT_INTERVAL_MS: '300' });
    const first = await startServe(childEnv, PARTITIONS);
    children.push(first);
    const ids = () => new Set(seen.map((s) => s.id));

    const phaseA = new SteadyProducer(producer, config.topics.activities, USERS * BEFORE, { users: USERS, perSend: 40, pauseMs: 30, prefix: 'a', firstIndex: 40 });
    await phaseA.finished();
    await until(() => phaseA.ids().every((id) => ids().has(id)), 'every phase-A event scored', 90_000);

    // Load while it dies: the producer keeps going through the kill and the restart.
    const phaseB = new SteadyProducer(producer, config.topics.activities, USERS * AROUND, { users: USERS, perSend: 10, pauseMs: 60, prefix: 'b', firstIndex: 40 + BEFORE });
    await until(() => phaseB.produced >= USERS * AROUND / 3 && seen.some((s) => s.id.startsWith('b-')), 'phase B under way');
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const second = await startServe(childEnv, PARTITIONS);
    children.push(second);
    await phaseB.finished();

    const expected = [...phaseA.ids(), ...phaseB.ids()];
    await until(() => { const have = ids(); return expected.every((id) => have.has(id)); }, 'a score for every produced event', 120_000);
    await new Promise((r) => setTimeout(r, 1_000)); // late duplicates would arrive now

    // Count in = count out by eventId.
    const unique = ids();
    assert.equal(unique.size, expected.length, 'no score for an event nobody sent');
    const firstSeen = new Map<string, number>();
    const counts = new Map<string, number>();
    for (const s of seen) {
      if (!firstSeen.has(s.id)) firstSeen.set(s.id, s.at);
      counts.set(s.id, (counts.get(s.id) ?? 0) + 1);
    }
    const duplicated = [...counts].filter(([, n]) => n > 1);
    const duplicates = duplicated.reduce((sum, [, n]) => sum + n - 1, 0);
    // Scores of the killed instance may reach our reader a little after the kill; the
    // replacement needs longer than IN_FLIGHT_MS just to start (and waits for the group).
    const scoredJustBefore = seen.filter((s) => s.at >= killedAt - DUPLICATE_WINDOW_MS && s.at <= killedAt + IN_FLIGHT_MS).length;
    for (const [id, n] of duplicated) {
      assert.equal(n, 2, `${id} scored ${n} times: one crash can redeliver a batch once`);
      assert.ok(firstSeen.get(id)! <= killedAt + IN_FLIGHT_MS, `${id} was first scored after the crash, so it was not a redelivery`);
    }
    assert.ok(duplicates <= scoredJustBefore, `${duplicates} duplicates, but the killed instance scored only ${scoredJustBefore} events in its last ${DUPLICATE_WINDOW_MS} ms`);
    process.stderr.write(`# crash: ${expected.length} events in, ${unique.size} scored, ${duplicates} duplicates (bound ${scoredJustBefore})\n`);

    // The restarted instance restored the checkpoints…
    const metrics = await (await fetch(`${second.address}/metrics`)).text();
    assert.match(metrics, /threatlab_checkpoints_total\{outcome="restored"\} [1-9]/, 'the restarted instance restored checkpoints');
    // …and its profiles carry the pre-crash history: after a graceful stop, read them back.
    await stopServe(second);
    const checkpoints = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => readCheckpoint(store, config, FEATURE_SPEC.hash, p)));
    for (let u = 0; u < USERS; u++) {
      const user = `user${u}@acme.example`;
      const count = Math.max(...checkpoints.map((c) => (c ? userEventCount(c, u) : 0)));
      const alertsA = seen.filter((s) => s.user === user && s.alert && s.id.startsWith('a-')).length; // alerts are not learned
      const dupsOfUser = duplicated.filter(([id]) => seen.some((s) => s.id === id && s.user === user)).length;
      const resetAtMost = baseline[u] + AROUND + dupsOfUser;
      assert.ok(count >= baseline[u] + BEFORE - alertsA, `${user}: ${count} events in the profile, expected ≥ ${baseline[u]} (training) + ${BEFORE - alertsA} (before the crash)`);
      assert.ok(count > resetAtMost, `${user}: ${count} events could come from a profile reset to the model's (≤ ${resetAtMost})`);
    }
  });
});
