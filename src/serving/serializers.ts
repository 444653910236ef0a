/**
 * Compiled serialisers for the stream's outputs: fast-json-stringify writes a Score in a
 * fraction of JSON.stringify's time because the shape is known in advance.
 */
import fastJson from 'fast-json-stringify';
import type { Score } from '../models/types.js';
import { DeadLetterSchema, ReasonSchema, ScoreSchema, type DeadLetter } from './schemas.js';

// The validation schema's severity enum compiles to an `anyOf` that fast-json-stringify
// checks branch by branch; the serialiser only needs "a string" (the pipeline made it).
const scoreSchema = {
  ...ScoreSchema,
  properties: {
    ...ScoreSchema.properties,
    severity: { type: 'string' },
    components: { type: 'object', additionalProperties: { type: 'number' } },
    reasons: { type: 'array', items: ReasonSchema },
  },
};

export const stringifyScore: (score: Score) => string = fastJson(scoreSchema as object);
export const stringifyDeadLetter: (letter: DeadLetter) => string = fastJson(DeadLetterSchema as object);
