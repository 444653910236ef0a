import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThreatlabError, exitCodeOf, httpStatusOf, isRetriable } from '../../src/errors/index.js';
import { withRetry } from '../../src/errors/retry.js';

test('codes map to exit codes and HTTP statuses from one table', () => {
  const e = new ThreatlabError('THREATLAB_USAGE', 'bad flag');
  assert.equal(exitCodeOf(e), 2);
  assert.equal(httpStatusOf(new ThreatlabError('THREATLAB_UNAUTHORIZED', 'no token')), 401);
  assert.equal(exitCodeOf(new Error('bug')), 70);
  assert.equal(isRetriable(new ThreatlabError('THREATLAB_STORE_UNAVAILABLE', 'down')), true);
  assert.equal(isRetriable(new ThreatlabError('THREATLAB_STORE_UNAVAILABLE', 'down', { retriable: false })), false);
});

test('withRetry retries retriable errors only', async () => {
  let calls = 0;
  const value = await withRetry(async () => {
    calls++;
    if (calls < 3) throw new ThreatlabError('THREATLAB_STORE_UNAVAILABLE', 'down');
    return 'ok';
  }, { baseDelayMs: 1 });
  assert.equal(value, 'ok');
  assert.equal(calls, 3);
  let permanent = 0;
  await assert.rejects(withRetry(async () => { permanent++; throw new ThreatlabError('THREATLAB_INPUT', 'bad'); }, { baseDelayMs: 1 }), /bad/);
  assert.equal(permanent, 1);
});
