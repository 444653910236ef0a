import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationFlag } from '../../src/cli/args.js';
import { ThreatlabError } from '../../src/errors/index.js';
import type { ParsedArgs } from '../../src/cli/command.js';

const withFlag = (v: string | undefined): ParsedArgs => ({ values: v === undefined ? {} : { 'alert-hold': v }, positionals: [] }) as unknown as ParsedArgs;

test('durations take an explicit unit, 0 or never', () => {
  assert.equal(durationFlag(withFlag('24h'), 'alert-hold'), 86_400_000);
  assert.equal(durationFlag(withFlag('90m'), 'alert-hold'), 5_400_000);
  assert.equal(durationFlag(withFlag('1.5s'), 'alert-hold'), 1500);
  assert.equal(durationFlag(withFlag('0'), 'alert-hold'), 0);
  assert.equal(durationFlag(withFlag('never'), 'alert-hold'), Number.POSITIVE_INFINITY);
  assert.equal(durationFlag(withFlag(undefined), 'alert-hold'), undefined);
});

test('a bare number or junk is a usage error naming the flag', () => {
  for (const bad of ['24', '-1h', 'h', '1 h', '1y']) {
    assert.throws(() => durationFlag(withFlag(bad), 'alert-hold'), (e: unknown) => e instanceof ThreatlabError && e.code === 'THREATLAB_USAGE' && e.message.includes('--alert-hold'), bad);
  }
});
