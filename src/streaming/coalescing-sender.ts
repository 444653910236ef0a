/**
 * Output batching for a producer (kafkajs has no linger): sends made in the same turn of
 * the event loop, or while the previous request is in flight, go out as ONE acknowledged
 * `sendBatch`, and each caller's promise settles with the request that carried its
 * messages. A consumer handling several partitions at once then pays one round trip per
 * fetch instead of one per partition. Order is kept: messages leave in call order, and a
 * request starts only after the previous one is acknowledged.
 */
import type { BusMessage, BusProducer } from './types.js';

type TopicMessages = { topic: string; messages: BusMessage[] };

interface Waiting {
  batches: TopicMessages[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class CoalescingSender {
  private waiting: Waiting[] = [];
  private inFlight = false;
  private scheduled = false;
  /** Requests sent and the callers they carried (for tests and metrics). */
  readonly stats = { requests: 0, calls: 0 };

  constructor(private readonly producer: Pick<BusProducer, 'sendBatch'>) {}

  /** Resolves when these messages are acknowledged; rejects when their request failed. */
  send(batches: TopicMessages[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ batches, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    // setImmediate, not a microtask: lets every handler of this fetch reach its send first.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const callers = this.waiting;
    this.waiting = [];
    if (callers.length === 0) return;
    this.inFlight = true;
    const byTopic = new Map<string, BusMessage[]>();
    for (const c of callers) {
      for (const b of c.batches) {
        if (b.messages.length === 0) continue;
        const list = byTopic.get(b.topic);
        if (list) for (const m of b.messages) list.push(m);
        else byTopic.set(b.topic, [...b.messages]);
      }
    }
    this.stats.requests++;
    this.stats.calls += callers.length;
    try {
      if (byTopic.size > 0) await this.producer.sendBatch([...byTopic].map(([topic, messages]) => ({ topic, messages })));
      for (const c of callers) c.resolve();
    } catch (err) {
      // Every batch in the failed request is redelivered by its consumer: at-least-once.
      for (const c of callers) c.reject(err);
    } finally {
      this.inFlight = false;
      if (this.waiting.length) this.schedule();
    }
  }
}
