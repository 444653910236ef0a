/**
 * Wire schemas of the service (TypeBox): the Score it emits, dead letters, feedback,
 * and the HTTP bodies. The same definitions drive Fastify validation, the OpenAPI docs
 * and the compiled serialisers of the stream (fast-json-stringify).
 */
import { Type, type Static } from '@sinclair/typebox';

export const ReasonSchema = Type.Object({
  feature: Type.String(),
  value: Type.Number(),
  detail: Type.String(),
}, { $id: 'Reason' });

export const ScoreSchema = Type.Object({
  eventId: Type.String(),
  tenant: Type.String(),
  user: Type.String(),
  time: Type.Number({ description: 'event time, epoch ms' }),
  score: Type.Number({ minimum: 0, maximum: 1, description: 'calibrated anomaly score' }),
  alert: Type.Boolean({ description: 'a new alert: at or above the threshold and not part of an open alert of this user' }),
  groupedInto: Type.Optional(Type.String({ description: 'at or above the threshold, folded into the open alert with this event id (same user, same kind, within the group window)' })),
  severity: Type.Union(['info', 'low', 'medium', 'high', 'critical'].map((s) => Type.Literal(s))),
  components: Type.Record(Type.String(), Type.Number()),
  reasons: Type.Array(Type.Ref('Reason')),
  model: Type.Object({ name: Type.String(), version: Type.String(), featureSpecHash: Type.String() }),
  scoredAt: Type.Number(),
}, { $id: 'Score' });

/** What the dead-letter topic carries: the input as received, and why it could not be scored. */
export const DeadLetterSchema = Type.Object({
  reason: Type.String({ description: 'stable code, e.g. invalid_json, missing_user, scoring_failed' }),
  detail: Type.String(),
  raw: Type.String({ description: 'the input message as text (truncated to 64 KiB)' }),
  topic: Type.String(),
  partition: Type.Integer(),
  offset: Type.String(),
  at: Type.Number(),
});
export type DeadLetter = Static<typeof DeadLetterSchema>;

export const Verdicts = ['true_positive', 'false_positive'] as const;
export const FeedbackBodySchema = Type.Object({
  eventId: Type.String({ minLength: 1, maxLength: 512 }),
  verdict: Type.Union(Verdicts.map((v) => Type.Literal(v))),
  note: Type.Optional(Type.String({ maxLength: 4096 })),
  analyst: Type.Optional(Type.String({ maxLength: 256 })),
}, { additionalProperties: false });
export type FeedbackBody = Static<typeof FeedbackBodySchema>;
/** One stored verdict: the body plus when it was received (the training classifier reads this shape). */
export type FeedbackRecord = FeedbackBody & { receivedAt: number };

export const ErrorBodySchema = Type.Object({
  error: Type.String({ description: 'stable code (THREATLAB_…)' }),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
});
