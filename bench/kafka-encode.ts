/**
 * kafkajs produce encoding bench: CPU time per message to encode one produce request
 * (kafkajs's produce v3 `encode()` plus the request frame, as the service's producer
 * sends it) of N score-sized string values over 6 partitions, with the kafkajs that is
 * installed (patched by `patches/kafkajs+2.2.4.patch`). Point `--kafkajs` at another
 * copy (say an unpatched 2.2.4 unpacked from `npm pack kafkajs@2.2.4`) to compare.
 * Last stdout line: {"usPerMessageAt20", "usPerMessageAt1000", "requestBytesAt1000"}.
 *
 *   npx tsx bench/kafka-encode.ts [--kafkajs DIR] [--rounds 5]
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** A bad argument gets a message and exit code 2, not a stack trace. */
function fail(message: string): never {
  console.error(`bench/kafka-encode: ${message}`);
  process.exit(2);
}

let values: { kafkajs?: string; rounds: string };
try {
  values = parseArgs({ options: { kafkajs: { type: 'string' }, rounds: { type: 'string', default: '5' } } }).values as typeof values;
} catch (err) {
  fail((err as Error).message);
}
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds must be a whole number ≥ 1, not ${values.rounds}`);
const require = createRequire(import.meta.url);
const root = path.resolve(values.kafkajs ?? path.dirname(require.resolve('kafkajs/package.json')));
if (!existsSync(path.join(root, 'src', 'protocol', 'request.js'))) fail(`--kafkajs ${root} is not a kafkajs package (no src/protocol/request.js)`);
const internal = <T>(file: string): T => require(path.join(root, 'src', file)) as T;

type Msg = { key: string; value: string };
const group = internal<(a: { topic: string; partitionMetadata: unknown[]; messages: Msg[]; partitioner: (a: { message: Msg }) => number }) => Record<string, Msg[]>>('producer/groupMessagesPerPartition.js');
const Request = internal<(a: Record<string, unknown>) => unknown>('protocol/requests/produce/v3/request.js');
const frame = internal<(a: { correlationId: number; clientId: string; request: unknown }) => Promise<{ buffer: Buffer }>>('protocol/request.js');
const Long = internal<{ fromInt(n: number): unknown }>('utils/long');

// A score as the service serialises it (~590 bytes).
const value = JSON.stringify({
  eventId: 'evt-12345678-abcdef#123456', tenant: 'contoso', user: 'alice.smith@contoso.com', time: 1796312071802, score: 0.123456789,
  alert: false, severity: 'info', components: { prevalence: 0.1234, cluster: 0.5678, autoencoder: 0.4321 },
  reasons: [{ feature: 'cluster', value: 0.5678, detail: 'nothing unusual: the most unusual aspect (far from every usual group of events) is more unusual than only 56.8 % of training events' }],
  model: { name: 'threatlab-detector', version: '12', featureSpecHash: '0123456789abcdef0123456789abcdef' }, scoredAt: 1796312071802,
});
const users = Array.from({ length: 80 }, (_, i) => `user${i}@contoso.com`);
const partitionMetadata = Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 0 }));
const partitioner = ({ message }: { message: Msg }) => (message.key.charCodeAt(4) + message.key.length) % 6;

async function encodeOnce(n: number): Promise<number> {
  const messages: Msg[] = [];
  for (let i = 0; i < n; i++) messages.push({ key: users[i % users.length], value });
  const grouped = group({ topic: 'scores', partitionMetadata, messages, partitioner });
  const partitions = Object.keys(grouped).map((p) => ({ partition: Number(p), firstSequence: 0, messages: grouped[p] }));
  const request = Request({ acks: -1, timeout: 30_000, producerId: Long.fromInt(1), producerEpoch: 0, topicData: [{ topic: 'scores', partitions }] });
  return (await frame({ correlationId: 1, clientId: 'threatlab', request })).buffer.length;
}

/** Median over rounds of CPU µs per message (CPU time: the machine is shared). */
async function usPerMessage(n: number): Promise<{ us: number; bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < 50; i++) bytes = await encodeOnce(n); // warm the JIT
  const reps = Math.max(20, Math.floor(200_000 / n));
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < reps; i++) await encodeOnce(n);
    const used = process.cpuUsage(start);
    perRound.push((used.user + used.system) / reps / n);
  }
  perRound.sort((a, b) => a - b);
  return { us: perRound[Math.floor(perRound.length / 2)], bytes };
}

const small = await usPerMessage(20);
const large = await usPerMessage(1000);
console.log(`kafkajs at ${root}`);
console.log(`20 messages a request: ${small.us.toFixed(2)} µs CPU per message; 1 000: ${large.us.toFixed(2)} µs (${large.bytes} bytes a request)`);
console.log(JSON.stringify({ usPerMessageAt20: Number(small.us.toFixed(2)), usPerMessageAt1000: Number(large.us.toFixed(2)), requestBytesAt1000: large.bytes }));
