/**
 * The service's Prometheus metrics. One registry per service instance (not prom-client's
 * global one), so tests and the demo can run several instances in one process.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type ModelRole = 'champion' | 'shadow';

export interface ServingMetrics {
  registry: Registry;
  eventsIn: Counter<'source'>;
  scoresOut: Counter<'source'>;
  alerts: Counter<'role'>;
  deadLetters: Counter<'reason'>;
  consumerLag: Gauge<'topic' | 'partition'>;
  batchSeconds: Histogram<'source'>;
  endToEndSeconds: Histogram;
  modelInfo: Gauge<'role' | 'name' | 'version' | 'feature_spec_hash'>;
  swaps: Counter<'role'>;
  refusals: Counter<'role' | 'reason'>;
  scoreDistribution: Histogram<'role'>;
  feedback: Counter<'verdict'>;
  checkpoints: Counter<'outcome'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): ServingMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'threatlab_' });
  const registers = [registry];
  return {
    registry,
    eventsIn: new Counter({ name: 'threatlab_events_in_total', help: 'Events received for scoring', labelNames: ['source'], registers }),
    scoresOut: new Counter({ name: 'threatlab_scores_out_total', help: 'Scores emitted', labelNames: ['source'], registers }),
    alerts: new Counter({ name: 'threatlab_alerts_total', help: 'Scores at or above the alert threshold, per model role (shadow alerts are counted, never emitted)', labelNames: ['role'], registers }),
    deadLetters: new Counter({ name: 'threatlab_dead_letters_total', help: 'Inputs sent to the dead-letter topic, by reason', labelNames: ['reason'], registers }),
    consumerLag: new Gauge({ name: 'threatlab_consumer_lag', help: 'Messages behind the end of each assigned partition', labelNames: ['topic', 'partition'], registers }),
    batchSeconds: new Histogram({
      name: 'threatlab_batch_duration_seconds', help: 'Time to score one input batch, outputs acknowledged', labelNames: ['source'], registers,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    endToEndSeconds: new Histogram({
      name: 'threatlab_end_to_end_latency_seconds', help: 'From the input message timestamp to its score being acknowledged', registers,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
    // 'max': with several workers the instance serves a model when any worker does (a sum would read 2).
    modelInfo: new Gauge({ name: 'threatlab_model_info', help: 'The model serving each role (value 1)', labelNames: ['role', 'name', 'version', 'feature_spec_hash'], registers, aggregator: 'max' }),
    swaps: new Counter({ name: 'threatlab_model_swaps_total', help: 'Models swapped in', labelNames: ['role'], registers }),
    refusals: new Counter({ name: 'threatlab_model_refusals_total', help: 'Model updates refused (bad checksum, feature-spec mismatch, unloadable)', labelNames: ['role', 'reason'], registers }),
    scoreDistribution: new Histogram({
      name: 'threatlab_score', help: 'Distribution of calibrated scores per model role', labelNames: ['role'], registers,
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99],
    }),
    feedback: new Counter({ name: 'threatlab_feedback_total', help: 'Analyst verdicts received', labelNames: ['verdict'], registers }),
    checkpoints: new Counter({ name: 'threatlab_checkpoints_total', help: 'State checkpoints written or restored', labelNames: ['outcome'], registers }),
  };
}
