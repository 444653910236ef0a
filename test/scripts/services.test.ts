/**
 * The `services` script as a user drives it: each command in its own process, so
 * `down` and `env` must work from the pid and port files alone. Uses a throwaway stack
 * with only the S3 server (the quickest to start); Kafka and MLflow go through the same
 * code and are exercised by the integration tests.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { isAlive } from '../../scripts/services/proc.js';
import { stackDir } from '../../scripts/services/paths.js';

const run = promisify(execFile);
const script = path.resolve('scripts/services.ts');
const stack = `clitest-${process.pid}`;

interface Result { code: number; stdout: string; stderr: string }

async function services(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script, ...args], { timeout: 150_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `export NAME=value` lines → object; fails on any other line, since eval would run it. */
function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.trim().split('\n')) {
    const match = /^export ([A-Z_][A-Z0-9_]*)=(\S+)$/.exec(line);
    assert.ok(match, `not an export line: ${line}`);
    env[match[1]] = match[2];
  }
  return env;
}

after(async () => {
  await services('down', '--stack', stack);
  fs.rmSync(stackDir(stack), { recursive: true, force: true });
});

test('usage errors exit 2 with one line', async () => {
  for (const args of [['frobnicate'], ['up', '--parts', 'kafka,redis'], ['up', '--bogus'], ['status', '--stack', '../x']]) {
    const result = await services(...args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
});

test('env on a stack that is not running says so and prints nothing to eval', async () => {
  const result = await services('env', '--stack', `${stack}-never`);
  assert.equal(result.code, 3);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /not running/);
});

test('up, env, status, a second up, down — across processes', async () => {
  const first = await services('up', '--stack', stack, '--parts', 's3');
  assert.equal(first.code, 0, first.stderr);
  const env = parseExports(first.stdout);
  assert.match(env.AWS_ENDPOINT_URL, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(env.THREATLAB_ARTIFACT_ROOT, 's3://threatlab/models');
  assert.equal(env.KAFKA_BROKERS, undefined, 'kafka was not asked for');

  // The endpoint really is an S3 server holding the models bucket.
  const res = await fetch(`${env.AWS_ENDPOINT_URL}/threatlab?list-type=2`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /<ListBucketResult/);

  assert.deepEqual(parseExports((await services('env', '--stack', stack)).stdout), env);
  const status = await services('status', '--stack', stack);
  assert.match(status.stdout, new RegExp(`^s3 +up +${env.AWS_ENDPOINT_URL.replaceAll('.', '\\.')}`, 'm'));
  assert.match(status.stdout, /^kafka +down/m);

  // Idempotent: the running server is kept, not replaced.
  const second = await services('up', '--stack', stack, '--parts', 's3');
  assert.equal(parseExports(second.stdout).AWS_ENDPOINT_URL, env.AWS_ENDPOINT_URL);
  assert.match(second.stderr, /already up/);

  const pid = Number(fs.readFileSync(path.join(stackDir(stack), 's3', 'pid'), 'utf8'));
  assert.ok(isAlive(pid));
  assert.equal((await services('down', '--stack', stack)).code, 0);
  assert.equal(isAlive(pid), false, 'down stopped the server');
  assert.equal((await services('status', '--stack', stack)).code, 3);
});
