import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, access, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isThreatlabError } from '../../src/errors/index.js';
import { withFileLock } from '../../src/registry/file-lock.js';

test('a lock left by a dead process is taken over; a live one makes others wait, then give up clearly', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'threatlab-lock-'));
  try {
    const lock = path.join(dir, 'm.json.lock');
    // 2^22 + 1 is above the largest pid Linux can hand out (pid_max ≤ 2^22): nobody owns it.
    await writeFile(lock, `${2 ** 22 + 1} 2026-01-01T00:00:00Z`);
    assert.equal(await withFileLock(lock, async () => 'ran'), 'ran');
    await assert.rejects(access(lock), 'the lock is released afterwards');

    // Held by this (live) process: a second taker waits, then fails with a retriable error.
    let release!: () => void;
    const held = withFileLock(lock, () => new Promise<void>((resolve) => { release = resolve; }));
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(withFileLock(lock, async () => 'never', { timeoutMs: 100 }), (err: unknown) => isThreatlabError(err) && err.code === 'THREATLAB_REGISTRY_UNAVAILABLE' && err.retriable);
    release();
    await held;

    // Serialised: concurrent increments of a shared counter lose nothing.
    let counter = 0;
    await Promise.all(Array.from({ length: 20 }, () => withFileLock(lock, async () => {
      const seen = counter;
      await new Promise((r) => setTimeout(r, 1));
      counter = seen + 1;
    })));
    assert.equal(counter, 20);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a lock file still empty (its taker has not written its pid yet) is waited for, not taken over, until it is old', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'threatlab-lock-'));
  try {
    const lock = path.join(dir, 'm.json.lock');
    await writeFile(lock, '');
    // The window a concurrent taker sits in between O_EXCL create and writing its pid.
    await assert.rejects(withFileLock(lock, async () => 'stolen', { timeoutMs: 100 }), (err: unknown) => isThreatlabError(err) && err.code === 'THREATLAB_REGISTRY_UNAVAILABLE');
    // Left empty for longer than staleMs: its owner died in that window; taken over.
    const old = new Date(Date.now() - 120_000);
    await utimes(lock, old, old);
    assert.equal(await withFileLock(lock, async () => 'ran', { timeoutMs: 100, staleMs: 60_000 }), 'ran');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
