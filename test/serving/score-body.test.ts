/**
 * The `/v1/score` body check (score-body.ts): which bodies pass, and that a failure names
 * the place of the problem, so a caller can find the bad event in a batch.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreBodyProblem, scoreBodyValidatorCompiler } from '../../src/serving/score-body.js';
import { activity } from './fixtures.js';

test('one Activity or {events: [...]} passes', () => {
  assert.equal(scoreBodyProblem(activity(1, 1)), null);
  assert.equal(scoreBodyProblem({ events: [activity(1, 1), activity(2, 2)] }), null);
  assert.equal(scoreBodyProblem({ events: [] }), null, 'an empty batch is the handler\'s 400, with its own message');
});

test('a failure names where the problem is', () => {
  const bad = { ...activity(1, 3), action: 'teleport' };
  assert.equal(scoreBodyProblem(bad)?.[0].instancePath, '/action');
  assert.equal(scoreBodyProblem({ events: [activity(1, 1), bad] })?.[0].instancePath, '/events/1/action');
  assert.equal(scoreBodyProblem({ events: activity(1, 1) })?.[0].instancePath, '/events');
  assert.match(scoreBodyProblem({ events: [], extra: 1 })?.[0].message ?? '', /besides events/);
  for (const notAnEvent of [null, 7, 'text', [activity(1, 1)], {}]) assert.ok(scoreBodyProblem(notAnEvent), JSON.stringify(notAnEvent));
});

test('the compiler checks bodies only', () => {
  const check = scoreBodyValidatorCompiler({ schema: {}, method: 'POST', url: '/v1/score', httpPart: 'body' });
  assert.equal(check(activity(1, 1)), true);
  assert.ok((check({ nope: true }) as { error: unknown }).error);
  assert.throws(() => scoreBodyValidatorCompiler({ schema: {}, method: 'POST', url: '/v1/score', httpPart: 'querystring' }), /checks bodies/);
});
