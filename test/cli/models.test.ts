/** `threatlab models …` end to end on the embedded defaults (file store, embedded registry, in-process bus). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { artifactStoresFromConfig, registerBundle, registryFromConfig } from '../../src/registry/index.js';
import type { ModelVersion, PromotionResult, RegisteredModel } from '../../src/registry/index.js';
import { writeTestBundle } from '../registry/helpers.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { runCli } from '../../src/cli/run.js';

let stateDir: string;
let env: NodeJS.ProcessEnv;

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs the real dispatcher in-process (a spawned CLI costs seconds per call on a busy box). */
async function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out = capture();
  const err = capture();
  const status = await runCli(['models', ...args], COMMANDS, { out: out.stream, err: err.stream, env });
  return { status, stdout: out.text(), stderr: err.text() };
}

before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'threatlab-models-cli-'));
  // Embedded defaults only: no service variables leak in from the caller's shell.
  env = { PATH: process.env.PATH, HOME: process.env.HOME, USER: 'analyst', THREATLAB_STATE_DIR: stateDir };
  const config = loadConfig(env);
  const store = artifactStoresFromConfig(config);
  const registry = registryFromConfig(config);
  for (const n of [1, 2, 3]) {
    const b = await writeTestBundle(store, `${config.artifactRoot}/train-out/${n}`, 'spec-1');
    await registerBundle({ registry, store, artifactRoot: config.artifactRoot }, {
      name: 'detector', bundleUri: b.uri, manifestSha256: b.manifestSha256, featureSpecHash: 'spec-1', metrics: { auc: 0.8 + n / 100 }, params: { n },
    });
  }
});

after(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

test('list and show describe the registry', async () => {
  const list = await cli('list', '--json');
  assert.equal(list.status, 0, list.stderr);
  const models = JSON.parse(list.stdout) as RegisteredModel[];
  assert.deepEqual(models.map((m) => m.name), ['detector']);
  const show = await cli('show', 'detector/2', '--json');
  assert.equal(show.status, 0, show.stderr);
  const v2 = JSON.parse(show.stdout) as ModelVersion;
  assert.equal(v2.version, '2');
  assert.equal(v2.tags.feature_spec_hash, 'spec-1');
  assert.match((await cli('show', 'detector')).stdout, /Versions:\n[\s\S]*\n {2}3 /);
});

test('promote, rollback and publish move aliases and record who and why', async () => {
  for (const v of ['1', '2', '3']) {
    const r = await cli('promote', 'detector', v, '--alias', 'champion', '--why', `release ${v}`, '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as PromotionResult).message.version, v);
  }
  const back = await cli('rollback', 'detector', '--alias', 'champion', '--why', 'too many alerts', '--json');
  assert.equal(back.status, 0, back.stderr);
  const result = JSON.parse(back.stdout) as PromotionResult;
  assert.deepEqual([result.move?.from, result.move?.to, result.move?.who, result.move?.why], ['3', '2', `analyst@${result.move?.who.split('@')[1]}`, 'too many alerts']);
  const champion = JSON.parse((await cli('show', 'detector@champion', '--json')).stdout) as ModelVersion;
  assert.equal(champion.version, '2');
  const text = (await cli('show', 'detector')).stdout;
  assert.match(text, /@champion {2}3 → 2 {2}rollback {2}by analyst@\S+: too many alerts/);
  const publish = await cli('publish');
  assert.equal(publish.status, 0, publish.stderr);
  assert.match(publish.stdout, /published detector@champion = version 2/);
});

test('bad input: one line on stderr and the documented exit code', async () => {
  const cases: Array<[string[], number, RegExp]> = [
    [['promote', 'detector', '9', '--alias', 'champion'], 1, /not found/],
    [['promote', 'nobody', '1', '--alias', 'champion'], 1, /not found/],
    [['promote', 'detector', '1', '--alias', 'latest'], 1, /"latest" is not an alias/],
    [['promote', 'detector', '1'], 2, /missing required flag --alias/],
    [['show', 'detector@nope'], 1, /no such alias/],
    [['rollback', 'detector', '--alias', 'challenger'], 1, /no such alias/],
    [['frobnicate'], 2, /expected a sub-command/],
    [['list', 'extra'], 2, /list expects no arguments/],
  ];
  for (const [args, code, pattern] of cases) {
    const r = await cli(...args);
    assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n').filter((l) => !/^(note|checking)/.test(l));
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0], pattern);
  }
});
