import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/index.js';

test('defaults, env and overrides merge in that order and the result is frozen', () => {
  const cfg = loadConfig({ KAFKA_BROKERS: '127.0.0.1:9092', THREATLAB_HTTP_PORT: '9000' }, { serve: { httpPort: 9100 } });
  assert.equal(cfg.kafkaBrokers, '127.0.0.1:9092');
  assert.equal(cfg.serve.httpPort, 9100);
  assert.equal(cfg.topics.scores, 'threatlab.scores');
  assert.ok(cfg.artifactRoot.startsWith('file://'));
  assert.throws(() => { (cfg.serve as { httpPort: number }).httpPort = 1; });
});

test('a bad setting fails fast and names the variable', () => {
  assert.throws(() => loadConfig({ THREATLAB_HTTP_PORT: 'eighty' }), /THREATLAB_HTTP_PORT \(serve\.httpPort\)/);
  assert.throws(() => loadConfig({ THREATLAB_LOG_LEVEL: 'loud' }), /THREATLAB_LOG_LEVEL/);
});
