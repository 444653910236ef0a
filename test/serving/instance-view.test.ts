/**
 * How `serve --workers N` combines its workers' reports (instance-view.ts, role-stats.ts):
 * readiness over the running workers, and shadow statistics that add up.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Score } from '../../src/models/types.js';
import { instanceHealth, instanceModels, type ProcessView } from '../../src/serving/instance-view.js';
import { RoleStats, mergeRoleStates, summarize } from '../../src/serving/role-stats.js';
import type { WorkerReport } from '../../src/serving/workers.js';

const model = { name: 'threatlab', version: '3' };
const scores = (values: number[], threshold = 0.9): Score[] =>
  values.map((score, i) => ({ eventId: `e${i}`, score, alert: score >= threshold, model } as unknown as Score));

function view(over: Partial<ProcessView>, values: number[] = []): ProcessView {
  const champion = new RoleStats();
  champion.add(scores(values));
  return { ready: true, bus: true, champion: '3', shadow: null, swaps: 1, lastRefusal: null, stats: { champion: champion.state(), shadow: new RoleStats().state() }, ...over };
}
const report = (worker: number, v: ProcessView | null, extra: Partial<WorkerReport> = {}): WorkerReport => ({ worker, running: true, report: v, ...extra });

test('the instance is ready when every running worker is; a restarting worker does not count, a silent one does', () => {
  assert.equal(instanceHealth([report(1, view({})), report(2, view({}))]).ready, true);
  assert.equal(instanceHealth([report(1, view({})), report(2, view({ ready: false }))]).ready, false);
  const restarting = instanceHealth([report(1, view({})), report(2, null, { running: false, problem: 'not running (restarting)' })]);
  assert.equal(restarting.ready, true);
  assert.deepEqual(restarting.workers[1], { worker: 2, running: false, ready: false, bus: false, modelVersion: null, problem: 'not running (restarting)' });
  assert.equal(instanceHealth([report(1, view({})), report(2, null, { problem: 'no answer within 2000 ms' })]).ready, false);
  assert.equal(instanceHealth([report(1, null, { running: false })]).ready, false, 'no running worker: not ready');
});

test("shadow statistics add every worker's counts; each worker's model is listed", () => {
  const a = [0.1, 0.2, 0.95];
  const b = [0.3, 0.97, 0.99, 0.5];
  const m = instanceModels([report(1, view({}, a)), report(2, view({ champion: '2' }, b)), report(3, null, { running: false })]);
  const together = new RoleStats();
  together.add(scores([...a, ...b]));
  assert.deepEqual(m.stats.champion, summarize(together.state()), 'merged counts give the summary one process would have given');
  assert.equal(m.stats.champion.scored, 7);
  assert.equal(m.stats.champion.alerts, 3);
  assert.deepEqual(m.workers.map((w) => [w.worker, w.running, w.champion]), [[1, true, '3'], [2, true, '2'], [3, false, null]]);
});

test('merging nothing gives an empty summary, not NaN', () => {
  const s = summarize(mergeRoleStates([]));
  assert.deepEqual(s, { model: null, scored: 0, alerts: 0, alertRate: 0, meanScore: 0, quantiles: { p50: 0, p90: 0, p99: 0 } });
});
