import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isThreatlabError } from '../../src/errors/index.js';
import {
  FileArtifactStore, MemoryArtifactStore, artifactStoresFromConfig, createArtifactRouter, fileUriOf, toArtifactUri,
} from '../../src/registry/index.js';
import type { ArtifactStore } from '../../src/registry/index.js';
import { loadConfig } from '../../src/config/index.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const hasCode = (code: string) => (err: unknown) => isThreatlabError(err) && err.code === code;

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'threatlab-store-'));
}

/** The same behaviour is expected from every store. */
async function storeContract(store: ArtifactStore, base: string): Promise<void> {
  const a = `${base}/bundle/v1/manifest.json`;
  const b = `${base}/bundle/v1/components/kmeans.json`;
  const c = `${base}/bundle/v10/manifest.json`;
  assert.equal(await store.exists(a), false);
  await assert.rejects(store.get(a), hasCode('THREATLAB_NOT_FOUND'));
  await store.put(a, bytes('{"a":1}'));
  await store.put(b, bytes('centroids'));
  await store.put(c, bytes('other'));
  assert.equal(text(await store.get(a)), '{"a":1}');
  assert.equal(await store.exists(a), true);
  await store.put(a, bytes('{"a":2}'));
  assert.equal(text(await store.get(a)), '{"a":2}', 'put overwrites');
  assert.deepEqual(await store.list(`${base}/bundle/v1`), [b, a].sort(), 'v1 prefix does not match v10');
  const got = await store.get(b);
  got[0] = 0;
  assert.equal(text(await store.get(b)), 'centroids', 'mutating a returned buffer does not change the store');
  await store.delete(a);
  await store.delete(a); // idempotent
  assert.equal(await store.exists(a), false);
  assert.deepEqual(await store.list(`${base}/nothing-here/`), []);
}

test('memory store meets the store contract', async () => {
  await storeContract(new MemoryArtifactStore(), 'memory://t');
});

test('file store meets the store contract and writes real files', async () => {
  const root = await tempDir();
  try {
    const store = new FileArtifactStore(root);
    await storeContract(store, fileUriOf(root));
    assert.equal(await readFile(path.join(root, 'bundle/v1/components/kmeans.json'), 'utf8'), 'centroids');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('file store refuses paths outside its roots', async () => {
  const root = await tempDir();
  const outside = await tempDir();
  try {
    const store = new FileArtifactStore(path.join(root, 'artifacts'));
    await writeFile(path.join(outside, 'secret'), 'do not read');
    const escapes = [
      fileUriOf(path.join(outside, 'secret')),
      `file://${root}/artifacts/../../${path.basename(outside)}/secret`,
      `file://${root}/artifacts/%2e%2e/x`,
      `file://${root}/artifacts/./x`,
      'file:///etc/passwd',
    ];
    for (const uri of escapes) {
      await assert.rejects(store.get(uri), hasCode('THREATLAB_INPUT'), uri);
      await assert.rejects(store.put(uri, bytes('x')), hasCode('THREATLAB_INPUT'), uri);
    }
    await assert.rejects(store.get('file://relative/path'), hasCode('THREATLAB_INPUT'));
    assert.equal(await readFile(path.join(outside, 'secret'), 'utf8'), 'do not read');
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  }
});

test('file store refuses symlinks that point out of the root, for reads, writes and listings', async () => {
  const root = await tempDir();
  const outside = await tempDir();
  try {
    await writeFile(path.join(outside, 'secret'), 'do not read');
    await mkdir(path.join(root, 'a'), { recursive: true });
    await symlink(path.join(outside, 'secret'), path.join(root, 'a', 'file-link'));
    await symlink(outside, path.join(root, 'dir-link'));
    await writeFile(path.join(root, 'a', 'inside'), 'ok');
    await symlink(path.join(root, 'a', 'inside'), path.join(root, 'a', 'inner-link'));
    const store = new FileArtifactStore(root);
    await assert.rejects(store.get(fileUriOf(path.join(root, 'a', 'file-link'))), hasCode('THREATLAB_INPUT'));
    await assert.rejects(store.get(fileUriOf(path.join(root, 'dir-link', 'secret'))), hasCode('THREATLAB_INPUT'));
    await assert.rejects(store.put(fileUriOf(path.join(root, 'dir-link', 'new')), bytes('x')), hasCode('THREATLAB_INPUT'));
    await assert.rejects(store.delete(fileUriOf(path.join(root, 'a', 'file-link'))), hasCode('THREATLAB_INPUT'));
    assert.equal(text(await store.get(fileUriOf(path.join(root, 'a', 'inner-link')))), 'ok', 'a link that stays inside is fine');
    const listed = await store.list(fileUriOf(root));
    assert.deepEqual(listed, [fileUriOf(path.join(root, 'a', 'inner-link')), fileUriOf(path.join(root, 'a', 'inside'))]);
    assert.equal(await readFile(path.join(outside, 'secret'), 'utf8'), 'do not read');
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  }
});

test('router dispatches by scheme and names the known schemes for an unknown one', async () => {
  const memory = new MemoryArtifactStore();
  const root = await tempDir();
  try {
    const router = createArtifactRouter([new FileArtifactStore(root), memory]);
    await router.put('memory://m/x', bytes('in memory'));
    assert.equal(text(await memory.get('memory://m/x')), 'in memory');
    await router.put(fileUriOf(path.join(root, 'y')), bytes('on disk'));
    assert.equal(await readFile(path.join(root, 'y'), 'utf8'), 'on disk');
    await assert.rejects(router.get('gs://bucket/x'), (err: unknown) => hasCode('THREATLAB_UNKNOWN_SCHEME')(err) && /file:\/\/, memory:\/\//.test((err as Error).message));
    await assert.rejects(router.get('/plain/path'), hasCode('THREATLAB_UNKNOWN_SCHEME'));
    assert.throws(() => createArtifactRouter([memory, new MemoryArtifactStore()]), hasCode('THREATLAB_CONFIG'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('stores from config: state folder and user-named folders are writable, other places are not', async () => {
  const state = await tempDir();
  const out = await tempDir();
  try {
    const config = loadConfig({ THREATLAB_STATE_DIR: state });
    assert.equal(config.artifactRoot, `file://${path.join(state, 'artifacts')}`);
    const plain = artifactStoresFromConfig(config);
    assert.deepEqual([...plain.schemes], ['file', 'memory', 's3']);
    await plain.put(`${config.artifactRoot}/m/manifest.json`, bytes('{}'));
    await assert.rejects(plain.put(fileUriOf(path.join(out, 'b')), bytes('x')), hasCode('THREATLAB_INPUT'));
    const withOut = artifactStoresFromConfig(config, { fileRoots: [out] });
    await withOut.put(toArtifactUri('b', out), bytes('x'));
    assert.equal(await readFile(path.join(out, 'b'), 'utf8'), 'x');
  } finally {
    await rm(state, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  }
});

test('toArtifactUri resolves plain paths and keeps URIs', () => {
  assert.equal(toArtifactUri('models/x', '/srv'), 'file:///srv/models/x');
  assert.equal(toArtifactUri('/a b/c', '/srv'), 'file:///a%20b/c');
  assert.equal(toArtifactUri('s3://bucket/k', '/srv'), 's3://bucket/k');
  assert.throws(() => toArtifactUri(''), hasCode('THREATLAB_USAGE'));
});
