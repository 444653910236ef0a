/**
 * Already-normalised Activities (our own NDJSON, the generator's output): validated with
 * the compiled Activity schema, passed through unchanged when valid.
 */
import { activityProblem, type Activity } from '../../activity.js';

export function checkActivity(r: unknown): Activity | string {
  const problem = activityProblem(r);
  return problem === null ? (r as Activity) : problem;
}
