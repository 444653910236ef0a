/**
 * Property-based fuzzing (fast-check) of the two in-process entry points for hostile
 * input: the vendor normalisers and POST /v1/score(/raw). 8,500 malformed inputs here
 * (the stream's share is in fuzz-stream.test.ts). Properties: nothing throws; every
 * record yields Activities that pass the schema or a rejection with a known reason
 * (never silence); HTTP answers 4xx with a reason or 200, never 5xx; no
 * `__proto__`/`constructor` key reaches a prototype; the heap does not keep what it saw.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { loadConfig } from '../../src/config/index.js';
import { activityValidator } from '../../src/events/activity.js';
import { FORMATS, LIMITS, REJECT_REASONS, normalizeRecord, normalizeRecordText, normalizeText, type NormalizeResult } from '../../src/events/index.js';
import { MemoryArtifactStore, encodeModelUpdate } from '../../src/registry/index.js';
import { createLogger } from '../../src/serving/logger.js';
import { startService, type Service } from '../../src/serving/service.js';
import { MemoryBus } from '../../src/streaming/index.js';
import { updateFor, writeRealBundle } from '../serving/fixtures.js';
import { extremeValidActivity, malformedActivityText, malformedRecordText, prototypePolluted } from './malformed.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapMiB = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
/** Generous: a leak of what 3,000 requests carried (several are 70–300 KB) would be well above it. */
const HEAP_GROWTH_BOUND_MIB = 64;

const NOW = Date.UTC(2026, 10, 22);
const KNOWN_REASONS = new Set<string>(REJECT_REASONS);

function holdsNoRecord(text: string): boolean {
  try {
    const v = JSON.parse(text) as unknown;
    return (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.values(v).some((x) => Array.isArray(x) && x.length === 0));
  } catch {
    return false;
  }
}

/** The normaliser's contract for any input. */
function checkResult(result: NormalizeResult, input: string): void {
  const where = `input (${input.length} chars): ${input.slice(0, 200)}`;
  // An empty export (`[]`, an envelope with no records) holds no record to lose; anything else must come out.
  if (!holdsNoRecord(input)) assert.ok(result.activities.length + result.rejections.length >= 1, `nothing came out, silently: ${where}`);
  for (const a of result.activities) {
    assert.ok(activityValidator.Check(a), `an Activity that fails the schema: ${JSON.stringify(a).slice(0, 300)} from ${where}`);
    assert.ok(a.time >= LIMITS.minTime && a.time <= NOW + LIMITS.maxFutureMs, `time ${a.time} out of range from ${where}`);
    assert.ok(Object.getPrototypeOf(a) === Object.prototype, 'a plain object');
  }
  for (const r of result.rejections) {
    assert.ok(KNOWN_REASONS.has(r.reason), `unknown reason ${r.reason}`);
    assert.ok(r.detail.length > 0, `a rejection without detail: ${r.reason}`);
    assert.ok(r.raw.length <= LIMITS.rawLimit, `raw kept ${r.raw.length} chars`);
  }
}

describe('fuzzed input: normalisers', () => {
  after(() => assert.equal(prototypePolluted(), false, 'prototype pollution'));

  it('normalizeRecordText: 3,000 malformed records, each one activity-or-rejection', () => {
    fc.assert(fc.property(malformedRecordText, (text) => {
      checkResult(normalizeRecordText(text, { format: 'auto', now: NOW }), text);
      assert.equal(prototypePolluted(), false, `prototype polluted by ${text.slice(0, 200)}`);
    }), { numRuns: 3000, seed: 9001 });
  });

  it('normalizeRecord with every format forced: 1,500 malformed parsed records', () => {
    fc.assert(fc.property(malformedRecordText, fc.constantFrom(...FORMATS), (text, format) => {
      let value: unknown = text;
      try {
        value = JSON.parse(text);
      } catch {
        // keep the text: a string where a record was expected is one more malformed input
      }
      checkResult(normalizeRecord(value, { format, now: NOW }), text);
    }), { numRuns: 1500, seed: 9002 });
  });

  it('normalizeText over whole malformed files (NDJSON of 1–5 records): 1,500 files', () => {
    fc.assert(fc.property(fc.array(malformedRecordText, { minLength: 1, maxLength: 5 }), (records) => {
      const text = records.join('\n');
      const result = normalizeText(text, { now: NOW });
      if (text.trim()) checkResult(result, text);
    }), { numRuns: 1500, seed: 9003 });
  });
});

describe('fuzzed input: POST /v1/score and /v1/score/raw', () => {
  const bus = new MemoryBus();
  const store = new MemoryArtifactStore();
  const token = 'fuzz-token';
  const config = loadConfig({}, {
    stateDir: mkdtempSync(path.join(tmpdir(), 'tl-fuzz-')), artifactRoot: 'memory://state', logLevel: 'silent',
    serve: { apiToken: token, maxBatch: 50 },
  });
  let service: Service;

  before(async () => {
    const bundle = await writeRealBundle(store, 'memory://models/fuzz', { seed: 2, users: 20, perUser: 24 });
    await (await bus.producer()).send(config.topics.models, [encodeModelUpdate(updateFor(bundle, '1'))]);
    service = await startService({ config, bus, store, registry: null, defaultMetrics: false, logger: createLogger('silent') });
    await service.ready();
  });

  after(async () => {
    await service?.stop();
    await bus.close();
    assert.equal(prototypePolluted(), false, 'prototype pollution');
  });

  async function post(url: string, payload: string): Promise<void> {
    const res = await service.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    const where = `${url} with ${payload.slice(0, 200)}`;
    assert.ok(res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 300)} for ${where}`);
    const body = res.json() as { error?: string; message?: string; scores?: unknown[]; rejected?: Array<{ reason: string }> };
    if (res.statusCode >= 400) {
      assert.ok([400, 413].includes(res.statusCode), `status ${res.statusCode} for ${where}`);
      assert.ok(body.error && body.message, `a 4xx without a reason: ${res.body.slice(0, 200)}`);
    } else {
      assert.equal(res.statusCode, 200);
      assert.ok((body.scores?.length ?? 0) + (body.rejected?.length ?? 0) >= 1, `200 with neither scores nor rejections for ${where}`);
      for (const r of body.rejected ?? []) assert.ok(KNOWN_REASONS.has(r.reason) || r.reason === 'no_events', r.reason);
    }
    assert.equal(prototypePolluted(), false, `prototype polluted by ${where}`);
  }

  it('3,000 malformed or extreme requests: 4xx with a reason or 200, never 5xx; the heap stays bounded', async () => {
    // Warm up (JIT, schema compilation, first-request allocations) before the baseline.
    await post('/v1/score', '{"nope": true}');
    const heapBefore = heapMiB();
    await fc.assert(fc.asyncProperty(malformedActivityText, (text) => post('/v1/score', text)), { numRuns: 1500, seed: 9004 });
    await fc.assert(fc.asyncProperty(malformedRecordText, fc.constantFrom('auto', 'o365', 'okta', 'cloudtrail', 'nonsense'),
      (text, format) => post(`/v1/score/raw?format=${format}`, text)), { numRuns: 1000, seed: 9005 });
    await fc.assert(fc.asyncProperty(extremeValidActivity, (text) => post('/v1/score', text)), { numRuns: 500, seed: 9006 });
    const growth = heapMiB() - heapBefore;
    assert.ok(growth < HEAP_GROWTH_BOUND_MIB, `heap grew by ${growth.toFixed(1)} MiB over 3,000 requests`);
    const health = await service.app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200, 'still healthy afterwards');
  });
});
