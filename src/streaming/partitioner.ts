/**
 * Kafka's default partitioner (murmur2 of the key bytes, made positive, modulo the
 * partition count), so the in-process bus puts a user on the same partition number as
 * Kafka would and per-partition state behaves the same in the demo and in production.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** Java-compatible 32-bit murmur2 (org.apache.kafka.common.utils.Utils.murmur2). */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) {
    h ^= data[tail];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** murmur2 of the key made positive, as Kafka's default partitioner uses it. */
function keyHash(key: string | Uint8Array): number {
  return murmur2(typeof key === 'string' ? Buffer.from(key) : key) & 0x7fffffff;
}

export function partitionForKey(key: string, partitions: number): number {
  return keyHash(key) % partitions;
}

interface PartitionerArgs {
  partitionMetadata: Array<{ partitionId: number; leader: number }>;
  message: { key?: Buffer | string | null; partition?: number | null };
}

/**
 * kafkajs's default partitioner with the key's hash remembered: the same users come back
 * all day, and hashing each output message's key (plus the per-message scan of the
 * partition list kafkajs does) was a few per cent of a serving worker's CPU. Places every
 * keyed message exactly where kafkajs's DefaultPartitioner would (Java-compatible murmur2).
 */
export function cachedKeyPartitioner(): (args: PartitionerArgs) => number {
  const hashes = new Map<string, number>();
  let counter = Math.floor(Math.random() * 0x7fffffff);
  return ({ partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const n = partitionMetadata.length;
    const key = message.key;
    if (key !== null && key !== undefined) {
      if (typeof key !== 'string') return keyHash(key) % n;
      let h = hashes.get(key);
      if (h === undefined) {
        if (hashes.size >= 200_000) hashes.clear(); // bounded: a cache, not a user table
        h = keyHash(key);
        hashes.set(key, h);
      }
      return h % n;
    }
    // Unkeyed (dead letters): round robin over the partitions that have a leader.
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    const next = counter++ & 0x7fffffff;
    return available.length > 0 ? available[next % available.length].partitionId : next % n;
  };
}
