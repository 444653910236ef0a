/**
 * The HTTP API through `app.inject()` on a real service (in-process bus, a real small
 * bundle): auth on mutating routes, body and batch limits, validation errors with
 * reasons, scoring of Activities and raw vendor records, feedback, health, metrics, docs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { MemoryArtifactStore, encodeModelUpdate } from '../../src/registry/index.js';
import { feedbackPathOf } from '../../src/serving/feedback.js';
import { createLogger } from '../../src/serving/logger.js';
import { startService, type Service } from '../../src/serving/service.js';
import { MemoryBus } from '../../src/streaming/index.js';
import { activity, attack, updateFor, writeRealBundle } from './fixtures.js';

const TOKEN = 's3cret-token-for-tests';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('HTTP API', () => {
  const bus = new MemoryBus();
  const store = new MemoryArtifactStore();
  const stateDir = mkdtempSync(path.join(tmpdir(), 'tl-http-'));
  const config = loadConfig({}, {
    stateDir, artifactRoot: 'memory://state', logLevel: 'silent',
    serve: { apiToken: TOKEN, maxBatch: 5, bodyLimitBytes: 16 * 1024 },
  });
  let service: Service;

  before(async () => {
    const bundle = await writeRealBundle(store, 'memory://models/http', { seed: 3 });
    const p = await bus.producer();
    await p.send(config.topics.models, [encodeModelUpdate(updateFor(bundle, '7'))]);
    service = await startService({ config, bus, store, registry: null, defaultMetrics: false, logger: createLogger('silent') });
  });

  after(async () => {
    await service?.stop();
    await bus.close();
  });

  it('scores one Activity and a batch, with reasons', async () => {
    const one = await service.app.inject({ method: 'POST', url: '/v1/score', headers: auth, payload: activity(1, 50) });
    assert.equal(one.statusCode, 200, one.body);
    const body = one.json();
    assert.equal(body.scores.length, 1);
    assert.equal(body.scores[0].eventId, 'evt-1-50');
    assert.equal(body.scores[0].model.version, '7');
    const many = await service.app.inject({ method: 'POST', url: '/v1/score', headers: auth, payload: { events: [activity(2, 41), attack(2, 42)] } });
    assert.equal(many.statusCode, 200, many.body);
    const [normal, bad] = many.json().scores;
    assert.ok(bad.score > normal.score, `attack ${bad.score} > normal ${normal.score}`);
    assert.ok(bad.reasons.length > 0 && typeof bad.reasons[0].detail === 'string');
  });

  it('scores raw vendor records and reports the ones it cannot read', async () => {
    const o365 = JSON.parse(readFileSync('test/fixtures/vendors/o365/panther-analysis/rule-tests_Microsoft365.Audit.Exchange.ndjson', 'utf8').split('\n')[0]).log as unknown;
    const res = await service.app.inject({ method: 'POST', url: '/v1/score/raw', headers: auth, payload: { records: [o365, { hello: 'world' }] } });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.scores.length, 1);
    assert.deepEqual(body.rejected.map((r: { index: number; reason: string }) => [r.index, r.reason]), [[1, 'unknown_vendor']]);
  });

  it('requires the API token on mutating routes and compares it exactly', async () => {
    const none = await service.app.inject({ method: 'POST', url: '/v1/score', payload: activity(1, 1) });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error, 'THREATLAB_UNAUTHORIZED');
    const wrong = await service.app.inject({ method: 'POST', url: '/v1/feedback', headers: { authorization: `Bearer ${TOKEN}x` }, payload: { eventId: 'e', verdict: 'true_positive' } });
    assert.equal(wrong.statusCode, 401);
    const header = await service.app.inject({ method: 'POST', url: '/v1/score', headers: { 'x-api-token': TOKEN }, payload: activity(1, 2) });
    assert.equal(header.statusCode, 200);
    const open = await service.app.inject({ method: 'GET', url: '/v1/model' });
    assert.equal(open.statusCode, 200, 'reads need no token');
  });

  it('rejects invalid bodies with 400 and a reason that names the problem', async () => {
    const res = await service.app.inject({ method: 'POST', url: '/v1/score', headers: auth, payload: { ...activity(1, 3), action: 'teleport' } });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'THREATLAB_INPUT');
    assert.match(res.json().message, /invalid request body/);
    const inBatch = await service.app.inject({ method: 'POST', url: '/v1/score', headers: auth, payload: { events: [activity(1, 4), { ...activity(1, 5), action: 'teleport' }] } });
    assert.equal(inBatch.statusCode, 400);
    assert.match(inBatch.json().message, /body\/events\/1\/action/, 'the message names the bad event');
    const fb = await service.app.inject({ method: 'POST', url: '/v1/feedback', headers: auth, payload: { eventId: 'e1', verdict: 'maybe' } });
    assert.equal(fb.statusCode, 400);
    const notJson = await service.app.inject({ method: 'POST', url: '/v1/score', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"id": ' });
    assert.equal(notJson.statusCode, 400);
  });

  it('enforces the batch and body size limits with 413', async () => {
    const tooMany = await service.app.inject({ method: 'POST', url: '/v1/score', headers: auth, payload: { events: Array.from({ length: 6 }, (_, i) => activity(1, i)) } });
    assert.equal(tooMany.statusCode, 413);
    assert.match(tooMany.json().message, /at most 5/);
    const huge = await service.app.inject({ method: 'POST', url: '/v1/score/raw', headers: auth, payload: { records: [{ pad: 'x'.repeat(20_000) }] } });
    assert.equal(huge.statusCode, 413);
    assert.equal(huge.json().error, 'THREATLAB_PAYLOAD_TOO_LARGE');
  });

  it('stores feedback as NDJSON and on the feedback topic', async () => {
    const res = await service.app.inject({ method: 'POST', url: '/v1/feedback', headers: auth, payload: { eventId: 'evt-9', verdict: 'false_positive', note: 'user travelled', analyst: 'ana' } });
    assert.equal(res.statusCode, 202, res.body);
    const lines = readFileSync(feedbackPathOf(stateDir), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.at(-1).eventId, 'evt-9');
    assert.equal(lines.at(-1).verdict, 'false_positive');
    assert.ok(lines.at(-1).receivedAt > 0);
    assert.equal(bus.endOffset(config.topics.feedback, 0), 1);
  });

  it('reports health, the model, metrics and the OpenAPI document', async () => {
    const health = await service.app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json().checks.model, { loaded: true, version: '7' });
    const model = (await service.app.inject({ method: 'GET', url: '/v1/model' })).json();
    assert.equal(model.champion.version, '7');
    assert.equal(model.champion.featureSpecHash, service.models.champion?.ref.featureSpecHash);
    const metrics = await service.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /threatlab_events_in_total\{source="http"\} \d+/);
    assert.match(metrics.body, /threatlab_model_info\{role="champion",name="threatlab",version="7"/);
    const docs = await service.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(docs.statusCode, 200);
    assert.ok(docs.json().paths['/v1/score'], 'the OpenAPI document lists /v1/score');
  });
});
