/** Test helpers for src/registry: a small bundle in the on-disk format (manifest + files with sha256). */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { ArtifactStore } from '../../src/registry/index.js';
import type { BusConsumer, ConsumedMessage, EventBus } from '../../src/streaming/types.js';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export interface WrittenBundle {
  uri: string;
  manifestSha256: string;
  featureSpecHash: string;
  files: Record<string, Uint8Array>;
}

/** Writes a bundle whose files are random bytes (so two bundles never share a hash). */
export async function writeTestBundle(store: ArtifactStore, uri: string, featureSpecHash = 'spec-' + randomBytes(4).toString('hex')): Promise<WrittenBundle> {
  const files: Record<string, Uint8Array> = {
    'prevalence.json': new TextEncoder().encode(JSON.stringify({ seed: randomBytes(8).toString('hex') })),
    'weights.bin': new Uint8Array(randomBytes(2048)),
  };
  const manifest = {
    formatVersion: 1, name: 'test', featureSpecHash,
    files: Object.fromEntries(Object.entries(files).map(([n, d]) => [n, { sha256: sha(d), bytes: d.byteLength }])),
  };
  for (const [name, data] of Object.entries(files)) await store.put(`${uri}/${name}`, data);
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest, null, 2));
  await store.put(`${uri}/manifest.json`, manifestBytes);
  return { uri, manifestSha256: sha(manifestBytes), featureSpecHash, files };
}

/** Reads a topic from the beginning until `count` messages arrived (or the timeout). */
export async function readTopic(bus: EventBus, topic: string, count: number, timeoutMs = 20_000): Promise<ConsumedMessage[]> {
  const got: ConsumedMessage[] = [];
  let done!: () => void;
  const enough = new Promise<void>((resolve) => { done = resolve; });
  const consumer: BusConsumer = bus.consumer({
    topics: [topic],
    fromBeginning: true,
    eachBatch: async (batch) => {
      got.push(...batch.messages);
      if (got.length >= count) done();
    },
  });
  await consumer.run();
  const timer = setTimeout(done, timeoutMs);
  await enough;
  clearTimeout(timer);
  await consumer.stop();
  return got;
}

/** A loopback port nothing listens on (bound, then released), for "service unreachable" tests. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
