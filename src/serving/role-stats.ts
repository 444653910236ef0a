/**
 * Live alert volume and score distribution per model role, for `/v1/model`: what a
 * promotion of the shadow model would change, judged on the same traffic. The raw counts
 * (`RoleState`) add up, so under `serve --workers N` the instance's summary is the merge
 * of every worker's counts, not one worker's share.
 */
import type { Score } from '../models/types.js';

const BINS = 20;

export interface RoleSummary {
  model: { name: string; version: string } | null;
  scored: number;
  alerts: number;
  alertRate: number;
  meanScore: number;
  /** Score quantiles from a 20-bin histogram (resolution 0.05). */
  quantiles: { p50: number; p90: number; p99: number };
}

/** The counts behind a summary; plain data, so it crosses the workers' IPC channel. */
export interface RoleState {
  model: { name: string; version: string } | null;
  scored: number;
  alerts: number;
  sum: number;
  bins: number[];
}

function quantile(s: RoleState, q: number): number {
  if (s.scored === 0) return 0;
  const target = q * s.scored;
  let seen = 0;
  for (let i = 0; i < BINS; i++) {
    seen += s.bins[i] ?? 0;
    if (seen >= target) return (i + 1) / BINS;
  }
  return 1;
}

export function summarize(s: RoleState): RoleSummary {
  return {
    model: s.model,
    scored: s.scored,
    alerts: s.alerts,
    alertRate: s.scored ? s.alerts / s.scored : 0,
    meanScore: s.scored ? s.sum / s.scored : 0,
    quantiles: { p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99) },
  };
}

/** Several processes' counts as one. The model is the first state's that has one (workers follow the same topic). */
export function mergeRoleStates(states: readonly RoleState[]): RoleState {
  const merged: RoleState = { model: null, scored: 0, alerts: 0, sum: 0, bins: new Array<number>(BINS).fill(0) };
  for (const s of states) {
    merged.model ??= s.model;
    merged.scored += s.scored;
    merged.alerts += s.alerts;
    merged.sum += s.sum;
    for (let i = 0; i < BINS; i++) merged.bins[i] += s.bins[i] ?? 0;
  }
  return merged;
}

export class RoleStats {
  private scored = 0;
  private alerts = 0;
  private sum = 0;
  private readonly bins = new Float64Array(BINS);
  private model: { name: string; version: string } | null = null;

  add(scores: Score[]): void {
    for (const s of scores) {
      this.scored++;
      if (s.alert) this.alerts++;
      this.sum += s.score;
      this.bins[Math.min(BINS - 1, Math.max(0, Math.floor(s.score * BINS)))]++;
      this.model = s.model;
    }
  }

  state(): RoleState {
    return { model: this.model, scored: this.scored, alerts: this.alerts, sum: this.sum, bins: Array.from(this.bins) };
  }
}
