/**
 * Live alert volume and score distribution per model role, for `/v1/model`: what a
 * promotion of the shadow model would change, judged on the same traffic.
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

  private quantile(q: number): number {
    if (this.scored === 0) return 0;
    const target = q * this.scored;
    let seen = 0;
    for (let i = 0; i < BINS; i++) {
      seen += this.bins[i];
      if (seen >= target) return (i + 1) / BINS;
    }
    return 1;
  }

  summary(): RoleSummary {
    return {
      model: this.model,
      scored: this.scored,
      alerts: this.alerts,
      alertRate: this.scored ? this.alerts / this.scored : 0,
      meanScore: this.scored ? this.sum / this.scored : 0,
      quantiles: { p50: this.quantile(0.5), p90: this.quantile(0.9), p99: this.quantile(0.99) },
    };
  }
}
