import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const bin = new URL('../../bin/threatlab.js', import.meta.url).pathname;
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('--help lists the commands and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Commands:/);
});

test('every command answers --help', async () => {
  const { COMMANDS } = await import('../../src/cli/commands/index.js');
  for (const cmd of COMMANDS) {
    const r = run(cmd.name, '--help');
    assert.equal(r.status, 0, `${cmd.name} --help`);
    assert.match(r.stdout, new RegExp(`threatlab ${cmd.name}`));
  }
});

test('a wrong command or flag is one clear line and exit code 2', () => {
  const unknown = run('frobnicate');
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr.trim().split('\n').length, 1);
  const badFlag = run('version', '--nope');
  assert.equal(badFlag.status, 2);
  assert.equal(badFlag.stderr.trim().split('\n').length, 1);
  assert.doesNotMatch(badFlag.stderr, /at .*\.ts:\d+/);
});
