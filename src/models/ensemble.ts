/**
 * One final score from the calibrated components. Each component's calibrated value c
 * becomes a tail surprisal s = −log₁₀(1 − c) (0.99 → 2, 0.999 → 3). The combination is
 * max-style: the strongest weighted component counts fully and the others add a
 * quarter of theirs. A real attack often trips only ONE component (a first-time
 * country with otherwise ordinary behaviour); averaging would dilute it below the
 * threshold, a max keeps it, and the small bonus still ranks "odd in every way" above
 * "odd in one way". The combined value is calibrated once more (empirical CDF on the
 * training events), so the final score reads as "more unusual than this share of the
 * training events", and the threshold is simply 1 − the alert rate the budget allows.
 */
import { calibrate, surprisal, type Calibration } from './calibration.js';

export const OTHERS_WEIGHT = 0.25;

/** The combination of one row's weighted surprisals: the largest in full, the others at OTHERS_WEIGHT. */
export function combineMaxPlusOthers(max: number, sum: number): number {
  return max + OTHERS_WEIGHT * (sum - max);
}

/** Writes the combined raw value of each row into `out`. `cal[k][r]` = calibrated component k. */
export function combineComponents(cal: ArrayLike<number>[], weights: number[], out: Float64Array | Float32Array): void {
  const rows = out.length;
  for (let r = 0; r < rows; r++) {
    let max = 0;
    let sum = 0;
    for (let k = 0; k < cal.length; k++) {
      const s = weights[k] * surprisal(cal[k][r]);
      sum += s;
      if (s > max) max = s;
    }
    out[r] = combineMaxPlusOthers(max, sum);
  }
}

/** Float64 on purpose: near 1, float32 cannot tell 0.99999 from 0.999999, and ranking lives there. */
export function calibrateAll(c: Calibration, raw: ArrayLike<number>): Float64Array {
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = calibrate(c, raw[i]);
  return out;
}

/** Alert rate allowed by a budget of alerts per 1000 user-days, given the training data's density. */
export function alertRateFor(budgetPer1000UserDays: number, events: number, userDays: number): number {
  if (events <= 0 || userDays <= 0) return 0.005;
  const alerts = (budgetPer1000UserDays * userDays) / 1000;
  return Math.min(0.5, Math.max(1 / (events + 1), alerts / events));
}
