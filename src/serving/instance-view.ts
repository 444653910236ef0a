/**
 * What one serving process reports about itself, and how `serve --workers N` turns its
 * workers' reports into one answer for the instance: /health is ready when every running
 * worker is, /v1/model's shadow statistics add up every worker's counts and list each
 * worker's model versions, so a worker still on the old model is visible.
 */
import type { Refusal } from './model-manager.js';
import { mergeRoleStates, summarize, type RoleState, type RoleSummary } from './role-stats.js';
import type { ReadyModel } from './runtime-types.js';
import type { WorkerReport } from './workers.js';

export interface RoleStates {
  champion: RoleState;
  shadow: RoleState;
}

/** One process's own state; plain data (it crosses the workers' IPC channel). */
export interface ProcessView {
  ready: boolean;
  bus: boolean;
  champion: string | null;
  shadow: string | null;
  swaps: number;
  lastRefusal: Refusal | null;
  stats: RoleStates;
}

export interface ViewSources {
  models: { champion: ReadyModel | undefined; shadow: ReadyModel | undefined; lastRefusal: Refusal | null; swaps: number };
  busConnected: () => boolean;
  stats?: () => RoleStates;
}

const NO_STATE: RoleState = { model: null, scored: 0, alerts: 0, sum: 0, bins: [] };

export function processView(src: ViewSources): ProcessView {
  const bus = src.busConnected();
  return {
    ready: bus && src.models.champion !== undefined,
    bus,
    champion: src.models.champion?.ref.version ?? null,
    shadow: src.models.shadow?.ref.version ?? null,
    swaps: src.models.swaps,
    lastRefusal: src.models.lastRefusal,
    stats: src.stats?.() ?? { champion: NO_STATE, shadow: NO_STATE },
  };
}

function viewOf(r: WorkerReport): ProcessView | null {
  const v = r.report as Partial<ProcessView> | null;
  return v && typeof v === 'object' && typeof v.ready === 'boolean' && v.stats ? (v as ProcessView) : null;
}

export interface WorkerHealth {
  worker: number;
  running: boolean;
  ready: boolean;
  bus: boolean;
  modelVersion: string | null;
  problem?: string;
}

/**
 * Ready when at least one worker serves and every serving worker is ready. A worker that
 * is restarting or still starting takes no connections, so it does not make the instance
 * unready; a serving worker that did not answer does.
 */
export function instanceHealth(reports: readonly WorkerReport[]): { ready: boolean; workers: WorkerHealth[] } {
  const workers = reports.map((r): WorkerHealth => {
    const v = viewOf(r);
    return {
      worker: r.worker, running: r.running, ready: v?.ready ?? false, bus: v?.bus ?? false, modelVersion: v?.champion ?? null,
      ...(r.problem ? { problem: r.problem } : {}),
    };
  });
  const running = workers.filter((w) => w.running);
  return { ready: running.length > 0 && running.every((w) => w.ready), workers };
}

export interface WorkerModels {
  worker: number;
  running: boolean;
  champion: string | null;
  shadow: string | null;
  swaps: number;
  lastRefusal: Refusal | null;
  problem?: string;
}

/** The instance's shadow statistics (every answering worker's counts added up) and each worker's models. */
export function instanceModels(reports: readonly WorkerReport[]): { stats: { champion: RoleSummary; shadow: RoleSummary }; workers: WorkerModels[] } {
  const views = reports.map(viewOf);
  const answered = views.filter((v): v is ProcessView => v !== null);
  return {
    stats: {
      champion: summarize(mergeRoleStates(answered.map((v) => v.stats.champion))),
      shadow: summarize(mergeRoleStates(answered.map((v) => v.stats.shadow))),
    },
    workers: reports.map((r, i): WorkerModels => ({
      worker: r.worker, running: r.running, champion: views[i]?.champion ?? null, shadow: views[i]?.shadow ?? null,
      swaps: views[i]?.swaps ?? 0, lastRefusal: views[i]?.lastRefusal ?? null, ...(r.problem ? { problem: r.problem } : {}),
    })),
  };
}
