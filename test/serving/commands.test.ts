/** `threatlab serve` and `threatlab demo` at the CLI boundary: help, and bad flags as one-line usage errors. */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/run.js';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) => new Writable({ write(chunk, _enc, done) { add(String(chunk)); done(); } });
  const code = await runCli(args, COMMANDS, { out: sink((s) => { out += s; }), err: sink((s) => { err += s; }), env: {} });
  return { code, out, err };
}

describe('serve and demo commands', () => {
  it('print their help with every flag', async () => {
    const serve = await cli(['serve', '--help']);
    assert.equal(serve.code, 0);
    for (const flag of ['--shadow', '--port', '--once']) assert.ok(serve.out.includes(flag), flag);
    const demo = await cli(['demo', '--help']);
    assert.equal(demo.code, 0);
    for (const flag of ['--once', '--users', '--days', '--seed']) assert.ok(demo.out.includes(flag), flag);
  });

  it('turn bad flags into one line and exit code 2', async () => {
    const unknown = await cli(['serve', '--bogus']);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.err.trim().split('\n').length, 1);
    const badNumber = await cli(['demo', '--users', 'many']);
    assert.equal(badNumber.code, 2);
    assert.match(badNumber.err, /--users must be a whole number/);
    const badPort = await cli(['serve', '--port', '70000']);
    assert.equal(badPort.code, 2);
  });
});
