/**
 * Analyst verdicts: each one goes to the feedback topic (key = eventId, for downstream
 * consumers) and is appended to an NDJSON file under the state folder, which the
 * training classifier reads. The file is appended to, never rewritten: nothing is lost.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BusProducer } from '../streaming/types.js';
import type { FeedbackRecord } from './schemas.js';

export interface FeedbackSink {
  record(feedback: FeedbackRecord): Promise<void>;
}

export const FEEDBACK_FILE = 'feedback.ndjson';

export function feedbackPathOf(stateDir: string): string {
  return path.join(stateDir, 'feedback', FEEDBACK_FILE);
}

export function createFeedbackSink(options: { stateDir: string; producer?: BusProducer; topic: string }): FeedbackSink {
  const file = feedbackPathOf(options.stateDir);
  let ready: Promise<unknown> | null = null;
  return {
    async record(feedback) {
      ready ??= mkdir(path.dirname(file), { recursive: true });
      await ready;
      const line = JSON.stringify(feedback);
      await appendFile(file, `${line}\n`, 'utf8');
      await options.producer?.send(options.topic, [{ key: feedback.eventId, value: Buffer.from(line) }]);
    },
  };
}
