/**
 * The `POST /v1/score` body check, run by the Activity validator TypeBox compiles rather
 * than by ajv. The route schema still documents the body (OpenAPI); this only replaces
 * the code that checks it. Why: under load the ajv validator of the union was ~10 % of a
 * request's CPU, the compiled TypeBox check a fraction of that, and it is the same check
 * the decoder runs, so the two cannot disagree about what an Activity is.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { activityError } from '../events/activity.js';

/** The shape fastify's error formatter reads ("body/events/0/action must be ..."). */
export interface BodyProblem {
  instancePath: string;
  message: string;
}

function activityProblem(value: unknown, path: string): BodyProblem[] | null {
  const error = activityError(value);
  return error && [{ instancePath: path + (error.path ?? ''), message: error.message }];
}

/** One Activity, or `{events: Activity[]}` and nothing else; the first problem, or null. */
export function scoreBodyProblem(body: unknown): BodyProblem[] | null {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !Object.hasOwn(body, 'events')) {
    return activityProblem(body, '');
  }
  const events = (body as { events: unknown }).events;
  if (Object.keys(body).length !== 1) return [{ instancePath: '', message: 'must have no property besides events' }];
  if (!Array.isArray(events)) return [{ instancePath: '/events', message: 'must be an array' }];
  for (let i = 0; i < events.length; i++) {
    const problem = activityProblem(events[i], `/events/${i}`);
    if (problem) return problem;
  }
  return null;
}

/** A route's `validatorCompiler` for a `/v1/score` body (the route has no other validated part). */
export const scoreBodyValidatorCompiler: FastifySchemaCompiler<unknown> = ({ httpPart }) => {
  if (httpPart !== 'body') throw new Error(`the score body validator checks bodies, not ${httpPart}`);
  return (body: unknown) => {
    const problems = scoreBodyProblem(body);
    return problems ? { error: problems as unknown as Error } : true;
  };
};
