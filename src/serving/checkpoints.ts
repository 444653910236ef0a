/**
 * State checkpoints: each partition's profiles, saved as one object in the artifact store
 * (`<root>/<topic>/<partition>.ckpt`) — not on a Kafka topic, because a partition's
 * profiles easily exceed Kafka's 1 MB message limit, and the store is already there for
 * bundles (file:// in the demo, S3 in production). Each checkpoint records the feature
 * spec it was written with; a checkpoint of another spec is ignored (the model's own
 * training profiles are used instead). Restoring is best-effort by design: profiles are
 * behavioural history, so a checkpoint a few seconds older than the committed offset
 * loses those seconds of history, never an event's score.
 */
import type { Logger } from 'pino';
import { describeError } from '../errors/index.js';
import { joinUri } from '../registry/uri.js';
import type { ArtifactStore } from '../registry/types.js';

const MAGIC = 'TLCK1';

interface Header {
  magic: string;
  featureSpecHash: string;
  topic: string;
  partition: number;
  savedAt: number;
}

export class CheckpointStore {
  constructor(
    private readonly store: ArtifactStore,
    /** e.g. `file:///…/.state/checkpoints/threatlab-serve` */
    private readonly root: string,
    private readonly featureSpecHash: string,
    private readonly logger: Logger,
  ) {}

  uriOf(topic: string, partition: number): string {
    return joinUri(this.root, encodeURIComponent(topic), `${partition}.ckpt`);
  }

  async save(topic: string, partition: number, state: Uint8Array): Promise<void> {
    const header: Header = { magic: MAGIC, featureSpecHash: this.featureSpecHash, topic, partition, savedAt: Date.now() };
    const head = Buffer.from(JSON.stringify(header));
    const out = Buffer.allocUnsafe(4 + head.length + state.byteLength);
    out.writeUInt32BE(head.length, 0);
    head.copy(out, 4);
    out.set(state, 4 + head.length);
    await this.store.put(this.uriOf(topic, partition), out);
  }

  /** The partition's saved profiles, or null when there is none usable (missing, other spec, damaged). */
  async load(topic: string, partition: number): Promise<Uint8Array | null> {
    const uri = this.uriOf(topic, partition);
    let bytes: Uint8Array;
    try {
      if (!(await this.store.exists(uri))) return null;
      bytes = await this.store.get(uri);
    } catch (err) {
      this.logger.warn({ uri, err: describeError(err) }, 'checkpoint unreadable; starting from the model profiles');
      return null;
    }
    try {
      const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const headLength = buf.readUInt32BE(0);
      const header = JSON.parse(buf.subarray(4, 4 + headLength).toString('utf8')) as Header;
      if (header.magic !== MAGIC) throw new Error('not a threatlab checkpoint');
      if (header.featureSpecHash !== this.featureSpecHash) {
        this.logger.info({ uri, theirs: header.featureSpecHash, ours: this.featureSpecHash }, 'checkpoint of another feature spec ignored');
        return null;
      }
      return new Uint8Array(buf.subarray(4 + headLength));
    } catch (err) {
      this.logger.warn({ uri, err: describeError(err) }, 'checkpoint damaged; starting from the model profiles');
      return null;
    }
  }
}
