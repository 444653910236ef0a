/**
 * Security properties, each checked against the real code paths: every mutating route
 * (found from the OpenAPI document, so a new route is covered without editing this file)
 * needs the API token, compared in constant time; body and batch limits; file:// URIs
 * cannot leave their root (`..`, encoded dots, absolute paths, symlinks), also when a
 * model update names one; a bundle is data (no eval/Function/dynamic import in
 * src/models); credentials come from the environment / AWS chain only and never reach
 * the logs, even at trace level.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { isThreatlabError } from '../../src/errors/index.js';
import { FileArtifactStore, MemoryArtifactStore, encodeModelUpdate } from '../../src/registry/index.js';
import { createLogger } from '../../src/serving/logger.js';
import { startService, type Service } from '../../src/serving/service.js';
import { MemoryBus } from '../../src/streaming/index.js';
import { activity, updateFor, writeRealBundle } from '../serving/fixtures.js';
import { until } from './support.js';

const TOKEN = 'tok-3f9a1c7e-very-secret';
const SECRET_KEY = 'AKIAFAKESECRETdoNotLog/8x9y';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** A pino destination that keeps every line in memory. */
function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { chunks.push(String(chunk)); done(); } });
  return { stream, text: () => chunks.join('') };
}

describe('security', () => {
  const bus = new MemoryBus();
  const store = new MemoryArtifactStore();
  const logs = capture();
  const config = loadConfig({ THREATLAB_API_TOKEN: TOKEN }, {
    stateDir: mkdtempSync(path.join(tmpdir(), 'tl-sec-')), artifactRoot: 'memory://state',
    serve: { maxBatch: 4, bodyLimitBytes: 8 * 1024 },
  });
  let service: Service;

  before(async () => {
    const bundle = await writeRealBundle(store, 'memory://models/sec', { seed: 3, users: 10, perUser: 16 });
    await (await bus.producer()).send(config.topics.models, [encodeModelUpdate(updateFor(bundle, '1'))]);
    // Trace level: the most a misconfigured deployment would log.
    service = await startService({ config, bus, store, registry: null, defaultMetrics: false, logger: createLogger('trace', logs.stream) });
    await service.ready();
  });

  after(async () => {
    await service?.stop();
    await bus.close();
  });

  it('every mutating route needs the API token; reads do not', async () => {
    const doc = (await service.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const mutating = Object.entries(doc.paths).flatMap(([url, ops]) => Object.keys(ops).filter((m) => ['post', 'put', 'patch', 'delete'].includes(m)).map((m) => ({ url, method: m.toUpperCase() as 'POST' })));
    assert.ok(mutating.length >= 3, `found the mutating routes: ${JSON.stringify(mutating)}`);
    for (const { url, method } of mutating) {
      for (const headers of [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Bearer ${TOKEN.slice(0, -1)}` }, { authorization: TOKEN }, { 'x-api-token': '' }]) {
        const res = await service.app.inject({ method, url, headers, payload: activity(1, 41) });
        assert.equal(res.statusCode, 401, `${method} ${url} with ${JSON.stringify(headers)}: ${res.statusCode}`);
        assert.equal(res.json().error, 'THREATLAB_UNAUTHORIZED');
      }
    }
    const ok = await service.app.inject({ method: 'POST', url: '/v1/score', headers: { authorization: `Bearer ${TOKEN}` }, payload: activity(1, 41) });
    assert.equal(ok.statusCode, 200);
    for (const url of ['/health', '/v1/model', '/metrics']) assert.notEqual((await service.app.inject({ method: 'GET', url })).statusCode, 401, url);
  });

  it('the token is compared in constant time (timingSafeEqual on digests), nowhere with ===', () => {
    const auth = readFileSync('src/serving/auth.ts', 'utf8');
    assert.match(auth, /timingSafeEqual\(expectedDigest, digest\(presented\)\)/);
    for (const file of sourceFiles('src')) {
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /apiToken\s*[!=]==?|[!=]==?\s*[\w.]*apiToken\b/, `${file} compares the API token directly`);
    }
    assert.match(readFileSync('src/serving/app.ts', 'utf8'), /tokenMatches\(/);
  });

  it('body and batch size limits answer 413 (and an empty batch 400)', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const big = await service.app.inject({ method: 'POST', url: '/v1/score/raw', headers, payload: { records: [{ pad: 'x'.repeat(9 * 1024) }] } });
    assert.equal(big.statusCode, 413);
    const many = await service.app.inject({ method: 'POST', url: '/v1/score', headers, payload: { events: Array.from({ length: 5 }, (_, i) => activity(1, 41 + i)) } });
    assert.equal(many.statusCode, 413);
    const rawMany = await service.app.inject({ method: 'POST', url: '/v1/score/raw', headers, payload: { records: Array.from({ length: 5 }, () => ({ a: 1 })) } });
    assert.equal(rawMany.statusCode, 413);
    const none = await service.app.inject({ method: 'POST', url: '/v1/score', headers, payload: { events: [] } });
    assert.equal(none.statusCode, 400);
  });

  it('credentials never reach the logs, even at trace level', async () => {
    // Requests that fail and succeed, with the token in both header forms.
    await service.app.inject({ method: 'POST', url: '/v1/score', headers: { authorization: `Bearer ${TOKEN}` }, payload: activity(2, 41) });
    await service.app.inject({ method: 'POST', url: '/v1/score', headers: { 'x-api-token': TOKEN }, payload: '{"broken": ' });
    await service.app.inject({ method: 'POST', url: '/v1/feedback', headers: { authorization: `Bearer ${TOKEN}` }, payload: { eventId: 'e', verdict: 'nope' } });
    // What code tends to log: the config, a client's options, request headers.
    service.logger.info({ config, s3: { credentials: { accessKeyId: 'AKIA', secretAccessKey: SECRET_KEY, sessionToken: SECRET_KEY } } }, 'starting with config');
    service.logger.warn({ req: { headers: { authorization: `Bearer ${TOKEN}`, 'x-api-token': TOKEN, cookie: TOKEN } } }, 'a request');
    const text = logs.text();
    assert.ok(text.length > 0 && text.includes('starting with config'), 'the capture saw the log lines');
    assert.ok(!text.includes(TOKEN), 'the API token is in the logs');
    assert.ok(!text.includes(SECRET_KEY), 'an AWS secret is in the logs');
    assert.match(text, /\[redacted\]/);
  });

  it('credentials come only from the environment: no config setting or CLI flag holds an AWS secret', () => {
    const config = readFileSync('src/config/index.ts', 'utf8');
    assert.doesNotMatch(config, /AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|secretAccessKey|sessionToken/, 'AWS credentials are left to the AWS SDK chain');
    for (const file of sourceFiles('src')) {
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /secretAccessKey\s*:\s*['"`]/, `${file} hard-codes a secret`);
      if (file.startsWith(path.join('src', 'cli'))) assert.doesNotMatch(text, /(secret|password|access-key)['"]?\s*:\s*\{\s*type/i, `${file} takes a secret as a flag`);
    }
  });
});

describe('file:// artifact paths stay inside their root', () => {
  const base = mkdtempSync(path.join(tmpdir(), 'tl-root-'));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), 'top secret');
  symlinkSync(outside, path.join(root, 'link'));
  const store = new FileArtifactStore([root]);

  async function refused(what: () => Promise<unknown>, uri: string): Promise<void> {
    await assert.rejects(what, (err: unknown) => isThreatlabError(err) && ['THREATLAB_INPUT', 'THREATLAB_UNKNOWN_SCHEME'].includes(err.code), `${uri} was not refused`);
  }

  it('refuses .., encoded dots, absolute paths elsewhere and symlinks out, for reads and writes', async () => {
    const escapes = [
      `file://${root}/../outside/secret.txt`, `file://${root}/%2e%2e/outside/secret.txt`, `file://${root}/a/%2E%2E/%2E%2E/outside/secret.txt`,
      `file://${root}/./x`, `file://${outside}/secret.txt`, 'file:///etc/passwd', `file://${root}/link/secret.txt`, `file://${root}/link/new.txt`,
    ];
    for (const uri of escapes) {
      await refused(() => store.get(uri), uri);
      await refused(() => store.put(uri, new TextEncoder().encode('x')), uri);
    }
    assert.equal(readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'top secret', 'nothing outside was overwritten');
    assert.deepEqual(readdirSync(outside).sort(), ['secret.txt'], 'nothing was created outside');
    await store.put(`file://${root}/inside/ok.bin`, new TextEncoder().encode('ok'));
    assert.equal(Buffer.from(await store.get(`file://${root}/inside/ok.bin`)).toString(), 'ok', 'inside the root works');
  });

  it('a model update naming a file outside the root is refused, not retried, and the old model serves', async () => {
    const bus = new MemoryBus();
    const memory = new MemoryArtifactStore();
    const config = loadConfig({}, { stateDir: root, artifactRoot: `file://${root}/artifacts`, logLevel: 'silent' });
    const bundle = await writeRealBundle(memory, 'memory://models/ok', { seed: 1, users: 10, perUser: 16 });
    const p = await bus.producer();
    await p.send(config.topics.models, [encodeModelUpdate(updateFor(bundle, '1'))]);
    const { artifactStoresFromConfig } = await import('../../src/registry/index.js');
    const service = await startService({ config, bus, store: artifactStoresFromConfig(config, { memory }), registry: null, logger: createLogger('silent'), defaultMetrics: false });
    try {
      await service.ready();
      await p.send(config.topics.models, [encodeModelUpdate({ ...updateFor(bundle, '2'), uri: `file://${outside}` })]);
      await until(() => service.models.lastRefusal?.version === '2', 'the refusal');
      assert.match(service.models.lastRefusal!.code, /THREATLAB_(INPUT|UNKNOWN_SCHEME)/);
      assert.equal(service.models.champion?.ref.version, '1');
    } finally {
      await service.stop();
      await bus.close();
    }
  });
});

describe('a bundle is data only', () => {
  it('nothing in src/models evaluates code: no eval, Function, vm, require, or dynamic import of a non-constant', () => {
    const files = sourceFiles('src/models');
    assert.ok(files.length > 5);
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*).*$/gm, ''); // comments may say "eval"
      assert.doesNotMatch(text, /\beval\s*\(|new\s+Function\b|\bFunction\s*\(|node:vm|\brequire\s*\(|tf\.io\.(http|browserHTTPRequest)|loadGraphModel/, file);
      for (const m of text.matchAll(/\bimport\s*\(\s*([^)'"`\s]+)\s*\)/g)) {
        // A variable is allowed only when it is a constant string literal in the same file (tfjs-node probe).
        assert.match(text, new RegExp(`const ${m[1]} = '[@\\w/.-]+';`), `${file}: dynamic import of ${m[1]}`);
      }
    }
    // tfjs networks are read from memory, never from a URL the bundle names.
    assert.match(readFileSync('src/models/tf-io.ts', 'utf8'), /tf\.loadLayersModel\(tf\.io\.fromMemory\(/);
  });
});
