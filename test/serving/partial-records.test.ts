/**
 * A record holding several events (a CloudTrail `Records` envelope, a Google Workspace
 * item) can be partly bad. The good events are scored; every bad part is reported —
 * a dead letter on the stream, a `rejected` entry over HTTP — never silently dropped.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRuntime } from '../../src/serving/runtime.js';

const good = {
  eventVersion: '1.08', userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012', userName: 'alice' },
  eventTime: '2024-03-01T10:00:00Z', eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.9', userAgent: 'aws-cli/2.15.0', eventID: 'e-1', recipientAccountId: '123456789012',
};

test('a partly bad envelope: good events scored, each bad part comes back with its reason', () => {
  const rt = createRuntime();
  const r = rt.decode(JSON.stringify({ Records: [good, { ...good, eventID: 'e-2', eventTime: 'not a time' }, 42] }), 'auto');
  assert.ok(r.ok);
  assert.deepEqual(r.activities.map((a) => a.id), ['e-1']);
  assert.deepEqual(r.rejections?.map((x) => x.reason), ['invalid_time', 'not_an_object']);
  const whole = rt.decodeValue({ Records: [good] }, 'auto');
  assert.ok(whole.ok && whole.rejections === undefined, 'a clean record carries no rejections');
});
