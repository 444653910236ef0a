/**
 * The bundle manifest: everything needed to rebuild the scorers, plus the facts a
 * reviewer needs to trust them (training data, metrics, checksums). Validated field by
 * field on load, because a bundle may come from any store and any version of us.
 */
import { ThreatlabError } from '../errors/index.js';
import { isCalibration, type Calibration } from './calibration.js';

export const BUNDLE_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const PROFILES_FILE = 'profiles.bin';

export type ComponentName = 'prevalence' | 'cluster' | 'autoencoder' | 'classifier';
export const COMPONENT_ORDER: readonly ComponentName[] = ['prevalence', 'cluster', 'autoencoder', 'classifier'];

export interface ComponentEntry {
  /** Parameters file (JSON) inside the bundle. */
  params: string;
  /** tfjs components: model.json and weights files. */
  modelJson?: string;
  weights?: string;
  /** One line about how it was fitted (rows, k, silhouette, loss…). */
  summary: string;
}

export interface AlertBudget {
  /** Alerts per 1000 user-days the threshold was set for. */
  per1000UserDays: number;
  /** The share of training events at or above the threshold. */
  trainingAlertRate: number;
}

export interface TrainingDataSummary {
  events: number;
  users: number;
  tenants: number;
  userDays: number;
  from: string | null;
  to: string | null;
  labelledEvents: number;
  maliciousEvents: number;
  sources: string[];
}

export interface BundleManifest {
  formatVersion: 1;
  name: string;
  featureSpecHash: string;
  featureSpecVersion?: string;
  featureNames: string[];
  components: Partial<Record<ComponentName, ComponentEntry>>;
  weights: Record<string, number>;
  /** Per component, then `final` for the combined value. */
  calibration: Record<string, Calibration>;
  combination: { method: 'max-plus-quarter-of-others'; othersWeight: number };
  /** Final score at or above which an event is an alert. */
  threshold: number;
  alertBudget: AlertBudget;
  /** Legacy: true = learn alerted events at once. Superseded by `alertHoldMs` when that is set. */
  learnAlerts: boolean;
  /**
   * Event-time hold (ms) before an alerted event is learned into the profiles: 0 = at
   * once, -1 = never; absent = 24 h (see learn-hold.ts). Training replays with it.
   */
  alertHoldMs?: number;
  /**
   * With learnAlerts false: events whose INLINE score (see ScoringPipeline) reaches this
   * are not learned. Set at training so that ≥ 99 % of training alerts reach it; ≤ threshold.
   */
  learnThreshold?: number;
  metrics: Record<string, number | string>;
  trainingData: TrainingDataSummary;
  files: Record<string, { sha256: string; bytes: number }>;
  createdAt: string;
  /** File name of the feature engine snapshot from the training replay. */
  profiles?: string;
}

function bad(message: string): never {
  throw new ThreatlabError('THREATLAB_BAD_MODEL', `bad model manifest: ${message}`);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks the manifest's shape; the component files are checked by their own readers. */
export function parseManifest(bytes: Uint8Array): BundleManifest {
  let m: unknown;
  try {
    m = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new ThreatlabError('THREATLAB_BAD_MODEL', `bad model manifest: not JSON (${(err as Error).message})`, { cause: err });
  }
  if (!isObj(m)) bad('not an object');
  if (m.formatVersion !== BUNDLE_FORMAT_VERSION) bad(`format version ${JSON.stringify(m.formatVersion)} is not supported (this build reads ${BUNDLE_FORMAT_VERSION})`);
  if (typeof m.name !== 'string' || !m.name) bad('name missing');
  if (typeof m.featureSpecHash !== 'string' || !m.featureSpecHash) bad('featureSpecHash missing');
  if (!Array.isArray(m.featureNames) || m.featureNames.length === 0 || !m.featureNames.every((n) => typeof n === 'string')) bad('featureNames missing');
  if (!isObj(m.components) || Object.keys(m.components).length === 0) bad('no components');
  for (const [name, c] of Object.entries(m.components)) {
    if (!COMPONENT_ORDER.includes(name as ComponentName)) bad(`unknown component "${name}"`);
    if (!isObj(c) || typeof c.params !== 'string') bad(`component ${name} has no params file`);
  }
  if (!isObj(m.weights)) bad('weights missing');
  for (const name of Object.keys(m.components)) {
    const w = m.weights[name];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) bad(`weight of ${name} must be a finite number ≥ 0, got ${String(w)}`);
  }
  if (!isObj(m.calibration)) bad('calibration missing');
  for (const name of [...Object.keys(m.components), 'final']) {
    if (!isCalibration(m.calibration[name])) bad(`calibration of ${name} missing or not finite`);
  }
  if (typeof m.threshold !== 'number' || !(m.threshold > 0 && m.threshold <= 1)) bad(`threshold must be in (0, 1], got ${String(m.threshold)}`);
  if (m.learnThreshold !== undefined && (typeof m.learnThreshold !== 'number' || !(m.learnThreshold > 0 && m.learnThreshold <= 1))) bad(`learnThreshold must be in (0, 1], got ${String(m.learnThreshold)}`);
  if (m.alertHoldMs !== undefined && (typeof m.alertHoldMs !== 'number' || !(m.alertHoldMs === -1 || (Number.isFinite(m.alertHoldMs) && m.alertHoldMs >= 0)))) bad(`alertHoldMs must be ≥ 0 or -1 (never), got ${String(m.alertHoldMs)}`);
  if (!isObj(m.files)) bad('files missing');
  for (const [file, f] of Object.entries(m.files)) {
    if (file.includes('/') || file.includes('..')) bad(`file name "${file}" must be a plain name`);
    if (!isObj(f) || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256) || typeof f.bytes !== 'number') bad(`file entry ${file} needs sha256 and bytes`);
  }
  const referenced = Object.values(m.components as Record<string, ComponentEntry>).flatMap((c) => [c.params, c.modelJson, c.weights]).filter((f): f is string => typeof f === 'string');
  if (typeof m.profiles === 'string') referenced.push(m.profiles);
  for (const f of referenced) if (!(f in (m.files as object))) bad(`file ${f} is used but has no checksum entry`);
  return m as unknown as BundleManifest;
}
