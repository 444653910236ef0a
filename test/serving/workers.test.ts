/**
 * `threatlab serve --workers 2` run as a user runs it, against the REAL Kafka of the test
 * stack: two worker processes join the consumer group and split the partitions, every
 * event is scored, /metrics, /v1/model and /health answer for the whole instance whichever
 * worker takes the request, a killed worker is restarted and loses nothing, and SIGTERM stops them all.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig, type Config } from '../../src/config/index.js';
import { artifactStoresFromConfig, joinUri } from '../../src/registry/index.js';
import { createLogger } from '../../src/serving/logger.js';
import { busFromConfig, type BusConsumer, type BusProducer, type EventBus } from '../../src/streaming/index.js';
import { requireStack, uniqueName } from '../support/stack.js';
import { until } from '../support/until.js';
import { activity, topicsWithModel, writeRealBundle } from './fixtures.js';

/** Child pids of a process (the workers of the primary). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('serve --workers 2 on Kafka', () => {
  let config: Readonly<Config>;
  let env: Record<string, string>;
  let bus: EventBus;
  let producer: BusProducer;
  let reader: BusConsumer;
  let primary: ChildProcess;
  let address = '';
  let stderr = '';
  const scored = new Map<string, number>();
  let kafka: Kafka;

  before(async () => {
    const stack = await requireStack(['kafka']);
    const run = uniqueName('workers');
    const stateDir = mkdtempSync(path.join(tmpdir(), 'tl-workers-'));
    env = {
      KAFKA_BROKERS: stack.KAFKA_BROKERS, THREATLAB_STATE_DIR: stateDir, THREATLAB_ARTIFACT_ROOT: `file://${stateDir}/models`,
      THREATLAB_KAFKA_CLIENT_ID: run, THREATLAB_LOG_LEVEL: 'warn', THREATLAB_INPUT_FORMAT: 'activity',
      THREATLAB_TOPIC_ACTIVITIES: `${run}.activities`, THREATLAB_TOPIC_SCORES: `${run}.scores`, THREATLAB_TOPIC_ALERTS: `${run}.alerts`,
      THREATLAB_TOPIC_DLQ: `${run}.dlq`, THREATLAB_TOPIC_MODELS: `${run}.models`, THREATLAB_TOPIC_FEEDBACK: `${run}.feedback`,
      THREATLAB_TOPIC_CHECKPOINTS: `${run}.checkpoints`, THREATLAB_CONSUMER_GROUP: `${run}-group`, THREATLAB_HTTP_PORT: '0',
    };
    config = loadConfig(env);
    const logger = createLogger('warn');
    bus = busFromConfig(config, { logger });
    const bundle = await writeRealBundle(artifactStoresFromConfig(config), joinUri(config.artifactRoot, 'threatlab', 'v1'), { seed: 1 });
    producer = await topicsWithModel(bus, config, bundle, 4);
    reader = bus.consumer({
      topics: [config.topics.scores], fromBeginning: true,
      eachBatch: async (b) => {
        for (const m of b.messages) {
          const id = JSON.parse(m.value!.toString()).eventId as string;
          scored.set(id, (scored.get(id) ?? 0) + 1);
        }
      },
    });
    await reader.run();
    kafka = new Kafka({ clientId: `${run}-admin`, brokers: stack.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });

    primary = spawn(process.execPath, ['bin/threatlab.js', 'serve', '--workers', '2', '--partitions', '4'], {
      env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    primary.stderr!.on('data', (d) => { stderr += d; });
    await until(() => /threatlab serve: (http:\S+) \(2 workers/.test(stderr), `the address line (stderr so far: ${stderr.slice(0, 500)})`);
    address = /threatlab serve: (http:\S+)/.exec(stderr)![1];
  });

  after(async () => {
    if (primary && primary.exitCode === null) primary.kill('SIGKILL');
    await reader?.stop();
    await producer?.disconnect();
    await bus?.close();
  });

  const groupMembers = async (): Promise<number> => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([config.serve.consumerGroup]);
      return groups[0]?.state === 'Stable' ? groups[0].members.length : 0;
    } finally {
      await admin.disconnect();
    }
  };

  const send = async (from: number, count: number) => {
    const events = Array.from({ length: count }, (_, i) => activity((from + i) % 40, 40 + Math.floor((from + i) / 40)));
    await producer.send(config.topics.activities, events.map((a) => ({ key: a.user, value: Buffer.from(JSON.stringify(a)) })));
    return events.map((a) => a.id);
  };

  it('two workers join the group; every event is scored; /metrics counts the whole instance', async () => {
    await until(async () => (await groupMembers()) === 2, 'two members in the consumer group', 90_000);
    const ids = await send(0, 400);
    await until(() => ids.every((id) => scored.has(id)), '400 scores');
    // Whichever worker answers, the counter is the instance's: both workers' events added up.
    for (let i = 0; i < 6; i++) {
      const text = await (await fetch(`${address}/metrics`)).text();
      const m = /^threatlab_events_in_total\{source="stream"\} (\d+)/m.exec(text);
      assert.ok(m, `events counter present:\n${text.slice(0, 400)}`);
      assert.equal(Number(m[1]), 400, 'the aggregated counter holds every event once');
      assert.match(text, /^threatlab_model_info\{[^}]*version="1"[^}]*\} 1$/m, 'model info is 1, not one per worker');
    }
    // /v1/model and /health answer for the instance too: both workers' counts, both workers listed.
    for (let i = 0; i < 4; i++) {
      const model = await (await fetch(`${address}/v1/model`)).json() as { stats: { champion: { scored: number } }; workers: Array<{ worker: number; running: boolean; champion: string }> };
      assert.equal(model.stats.champion.scored, 400, 'shadow statistics count every worker\'s scores');
      assert.deepEqual(model.workers.map((w) => [w.worker, w.running, w.champion]), [[1, true, '1'], [2, true, '1']]);
      const health = await fetch(`${address}/health`);
      assert.equal(health.status, 200);
      const body = await health.json() as { ready: boolean; workers: Array<{ ready: boolean }> };
      assert.equal(body.ready, true);
      assert.deepEqual(body.workers.map((w) => w.ready), [true, true]);
    }
  });

  it('a killed worker is restarted and no event is lost', async () => {
    const workers = childrenOf(primary.pid!);
    assert.equal(workers.length, 2, `two worker processes (${workers.join(', ')})`);
    process.kill(workers[0], 'SIGKILL');
    // While the worker restarts and starts, /health names its state: never a wait for a worker that cannot answer yet.
    const problems = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        try {
          const body = await (await fetch(`${address}/health`)).json() as { workers: Array<{ problem?: string }> };
          for (const w of body.workers) if (w.problem) problems.add(w.problem);
        } catch {
          // A kept-alive connection to the killed worker fails once; the next request opens a new one.
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const ids = await send(400, 200);
    await until(() => ids.every((id) => scored.has(id)), '200 more scores with a worker killed', 90_000);
    await until(() => childrenOf(primary.pid!).length === 2 && !childrenOf(primary.pid!).includes(workers[0]), 'the worker restarted', 90_000);
    await until(async () => {
      const body = await (await fetch(`${address}/health`)).json() as { ready: boolean; workers: Array<{ ready: boolean }> };
      return body.workers.every((w) => w.ready);
    }, 'both workers serving again', 90_000);
    watching = false;
    await watch;
    assert.ok(problems.has('not running (restarting)') || problems.has('starting'), `the restart was seen (${[...problems].join('; ')})`);
    assert.ok(![...problems].some((p) => p.startsWith('no answer')), `a starting worker is reported as starting, not waited for (${[...problems].join('; ')})`);
    await until(async () => (await groupMembers()) === 2, 'two members again', 90_000);
    const after = await send(600, 200);
    await until(() => after.every((id) => scored.has(id)), '200 scores after the restart');
  });

  it('SIGTERM stops every worker and the primary exits 0', async () => {
    const workers = childrenOf(primary.pid!);
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    assert.equal(await exited, 0);
    for (const pid of workers) assert.throws(() => process.kill(pid, 0), `worker ${pid} is gone`);
  });
});
