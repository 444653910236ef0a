/**
 * Already-normalised Activities (our own NDJSON, the generator's output): validated with
 * the compiled Activity schema, passed through unchanged when valid. The schema allows
 * any number as `time`, so the vendors' time window is checked here too: an event from
 * before 2000 or from next year is bad input, and a time outside JavaScript's Date
 * range would make the feature code throw.
 */
import { activityProblem, type Activity } from '../../activity.js';
import { LIMITS } from '../types.js';

export function checkActivity(r: unknown, now: number = Date.now()): Activity | string {
  const problem = activityProblem(r);
  if (problem !== null) return problem;
  const a = r as Activity;
  if (!(a.time >= LIMITS.minTime && a.time <= now + LIMITS.maxFutureMs)) {
    return `/time: ${a.time} is before 2000 or more than a day after now`;
  }
  return a;
}
