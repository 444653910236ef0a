/**
 * patches/kafkajs+2.2.4.patch (applied by `patch-package` on install) rewrites kafkajs's
 * produce encoding for speed: it must be applied, and it must not change one byte that
 * goes on the wire.
 */
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';

const require = createRequire(import.meta.url);
const kafkajsRoot = path.dirname(require.resolve('kafkajs/package.json'));
const internal = <T>(file: string): T => require(path.join(kafkajsRoot, 'src', file)) as T;

type Crc = (b: Buffer) => number;
type Group = (a: { topic: string; partitionMetadata: unknown[]; messages: Msg[]; partitioner: (a: { message: Msg }) => number }) => Record<string, Msg[]>;
type Msg = { key: string | null; value: Buffer | string | null; headers?: Record<string, string | string[]>; timestamp?: string };
type ProduceRequest = (a: Record<string, unknown>) => { encode(): Promise<{ buffer: Buffer }> };
type Frame = (a: { correlationId: number; clientId: string | null; request: unknown }) => Promise<{ buffer: Buffer }>;

const PATCHED = [
  'producer/groupMessagesPerPartition.js',
  'protocol/encoder.js',
  'protocol/request.js',
  'protocol/recordBatch/crc32C/crc32C.js',
  'protocol/recordBatch/crc32C/index.js',
  'protocol/recordBatch/record/v0/index.js',
  'protocol/recordBatch/v0/index.js',
  'protocol/requests/produce/v3/request.js',
];

test('the kafkajs patch is applied (npm install runs patch-package)', () => {
  for (const file of PATCHED) {
    assert.match(readFileSync(path.join(kafkajsRoot, 'src', file), 'utf8'), /threatlab patch/, `${file} is not patched`);
  }
});

/** CRC-32C bit by bit from the polynomial: independent of kafkajs's tables. */
function crc32cReference(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

test('the patched CRC-32C (slice-by-8) gives the standard checksum', () => {
  const crc32C = internal<Crc>('protocol/recordBatch/crc32C');
  assert.equal(crc32C(Buffer.from('123456789')), 0xe3069283); // the CRC-32C check value
  assert.equal(crc32C(Buffer.alloc(0)), 0);
  for (let i = 0; i < 300; i++) {
    const buf = randomBytes(i % 7 === 0 ? i : (i * 13) % 2000); // every length mod 8, short and long
    assert.equal(crc32C(buf), crc32cReference(buf), `length ${buf.length}`);
  }
});

/**
 * The golden tests' input: null keys and values, string and Buffer values, multi-byte
 * UTF-8, headers with several values, explicit timestamps, values from 20 bytes to
 * 1.5 KB, 6 partitions.
 */
function goldenPartitions(): { partition: number; firstSequence: number; messages: Msg[] }[] {
  const group = internal<Group>('producer/groupMessagesPerPartition.js');
  const messages: Msg[] = [];
  for (let i = 0; i < 300; i++) {
    messages.push({
      key: i % 17 === 0 ? null : `user-${i % 23}@contoso.com`,
      value: i % 29 === 0 ? null : i % 3 === 0 ? `{"eventId":"e${i}","score":0.${i},"detail":"${'ü'.repeat(i % 40)}"}` : Buffer.from(`{"eventId":"e${i}","pad":"${'x'.repeat((i * 37) % 1500)}"}`),
      headers: i % 11 === 0 ? { source: 'bench', multi: ['a', `b${i}`] } : undefined,
      timestamp: i % 5 === 0 ? String(1796312070000 + i * 1000) : undefined,
    });
  }
  const partitionMetadata = Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 0 }));
  const partitioner = ({ message }: { message: Msg }) => (message.key === null ? 0 : message.key.length * 7 + message.key.charCodeAt(5)) % 6;
  const grouped = group({ topic: 'scores', partitionMetadata, messages, partitioner });
  const partitions = Object.keys(grouped).map((p) => ({ partition: Number(p), firstSequence: 5, messages: grouped[p] }));
  assert.equal(partitions.reduce((n, p) => n + p.messages.length, 0), messages.length);
  return partitions;
}

/** Runs `fn` with Date.now fixed: records without a timestamp get "now". */
async function atFixedNow<T>(fn: () => Promise<T>): Promise<T> {
  const realNow = Date.now;
  Date.now = () => 1796312071000;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('a produce request encodes byte for byte as unpatched kafkajs 2.2.4 encodes it', async () => {
  const Request = internal<ProduceRequest>('protocol/requests/produce/v3/request.js');
  const Long = internal<{ fromInt(n: number): unknown }>('utils/long');
  const bytes = await atFixedNow(async () => {
    const partitions = goldenPartitions();
    const request = Request({
      acks: -1, timeout: 30_000, producerId: Long.fromInt(4242), producerEpoch: 1,
      topicData: [{ topic: 'scores', partitions }, { topic: 'alerts', partitions: partitions.slice(0, 2) }],
    });
    return (await request.encode()).buffer;
  });
  // Computed with the same input on kafkajs 2.2.4 as published (no patch).
  assert.equal(bytes.length, 198_774);
  assert.equal(sha256(bytes), '0734a5486c3d555523f93639f6f0bbe72b0a73da118a68ec8fba1830c83547fd');
});

test('framed requests (size, header, payload) are byte for byte those of unpatched kafkajs 2.2.4', async () => {
  const Request = internal<ProduceRequest>('protocol/requests/produce/v3/request.js');
  const Metadata = internal<(a: Record<string, unknown>) => unknown>('protocol/requests/metadata/v4/request.js');
  const frame = internal<Frame>('protocol/request.js');
  const Long = internal<{ fromInt(n: number): unknown }>('utils/long');
  const produce = await atFixedNow(async () => {
    const partitions = goldenPartitions();
    // Transactional (another attributes byte), an empty partition, partitions with no firstSequence.
    const request = Request({
      acks: -1, timeout: 30_000, transactionalId: 'tx-ü-1', producerId: Long.fromInt(4242), producerEpoch: 1,
      topicData: [
        { topic: 'scores', partitions },
        { topic: 'alerts', partitions: [{ partition: 3, messages: [] }, ...partitions.slice(0, 2).map(({ partition, messages }) => ({ partition, messages }))] },
      ],
    });
    return (await frame({ correlationId: 77, clientId: 'threatlab-ü', request })).buffer;
  });
  const metadata = (await frame({ correlationId: 78, clientId: null, request: Metadata({ topics: ['a', 'b'], allowAutoTopicCreation: true }) })).buffer;
  // Computed with the same input on kafkajs 2.2.4 as published (no patch).
  assert.equal(produce.length, 198_876);
  assert.equal(sha256(produce), '1b9fee7af46031ac5ce7fda2fe0cf299b23540b1eb27e8b405176b36a02d5cda');
  assert.equal(metadata.length, 25);
  assert.equal(sha256(metadata), '8394a4a041d5a9c7d2176af609f6e0d334056bea176af22a3bac23ddcda7bd0a');
});
