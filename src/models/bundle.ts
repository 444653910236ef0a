/**
 * Saving and loading model bundles through any ArtifactStore. A bundle is a prefix
 * holding `manifest.json` and the files it lists with their sha256. Saving writes the
 * manifest LAST, so a half-written bundle has no manifest and cannot be loaded.
 * Loading checks the manifest's own hash (when the caller knows it), every file's
 * size and sha256, the feature-spec hash, the component parameters, and finally
 * scores probe rows to prove nothing comes out NaN. Nothing in a bundle is executed:
 * the tfjs topology is data interpreted by tfjs layers.
 */
import { ThreatlabError } from '../errors/index.js';
import type { ArtifactStore } from '../registry/types.js';
import { AutoencoderScorer, isAutoencoderParams } from './autoencoder.js';
import { ClassifierScorer, isClassifierParams } from './classifier.js';
import { sha256Hex } from './hash.js';
import { isKMeansParams, KMeansScorer } from './kmeans.js';
import { MANIFEST_FILE, parseManifest, type BundleManifest, type ComponentName } from './manifest.js';
import { assertSaneScores, CompiledModel, type LoadedModel, type NamedScorer } from './model.js';
import { isPrevalenceParams, PrevalenceScorer } from './prevalence.js';
import { loadLayersModelBytes } from './tf-io.js';
import { tf } from './tf.js';

export interface ModelBundle {
  /** Everything but `files`, which saveBundle computes from `files` below. */
  manifest: Omit<BundleManifest, 'files'>;
  files: Record<string, Uint8Array>;
}

export interface LoadBundleOptions {
  /** The manifest's sha256 as the registry / model topic announced it. */
  expectedManifestSha256?: string;
  /** The feature spec of the engine that will feed this model. */
  expectedFeatureSpecHash?: string;
}

export function joinUri(prefix: string, file: string): string {
  return `${prefix.replace(/\/+$/, '')}/${file}`;
}

export function manifestBytes(bundle: ModelBundle): { manifest: BundleManifest; bytes: Uint8Array } {
  const files: BundleManifest['files'] = {};
  for (const [name, data] of Object.entries(bundle.files).sort(([a], [b]) => a.localeCompare(b))) {
    if (name === MANIFEST_FILE || name.includes('/')) throw new ThreatlabError('THREATLAB_INTERNAL', `bundle file name not allowed: ${name}`);
    files[name] = { sha256: sha256Hex(data), bytes: data.byteLength };
  }
  const manifest: BundleManifest = { ...bundle.manifest, files };
  return { manifest, bytes: new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`) };
}

export async function saveBundle(store: ArtifactStore, uri: string, bundle: ModelBundle): Promise<{ manifestSha256: string; manifest: BundleManifest }> {
  const { manifest, bytes } = manifestBytes(bundle);
  for (const [name, data] of Object.entries(bundle.files)) await store.put(joinUri(uri, name), data);
  await store.put(joinUri(uri, MANIFEST_FILE), bytes);
  return { manifestSha256: sha256Hex(bytes), manifest };
}

function parseJson(name: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new ThreatlabError('THREATLAB_BAD_MODEL', `bundle file ${name} is not JSON`, { cause: err });
  }
}

async function readVerified(store: ArtifactStore, uri: string, manifest: BundleManifest): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const [name, expected] of Object.entries(manifest.files)) {
    const data = await store.get(joinUri(uri, name));
    const actual = sha256Hex(data);
    if (data.byteLength !== expected.bytes || actual !== expected.sha256) {
      throw new ThreatlabError('THREATLAB_CHECKSUM', `bundle file ${name} at ${uri} does not match its manifest: sha256 ${actual} (${data.byteLength} bytes), expected ${expected.sha256} (${expected.bytes} bytes)`, { details: { file: name, expected: expected.sha256, actual } });
    }
    files.set(name, data);
  }
  return files;
}

export async function buildScorers(manifest: BundleManifest, files: Map<string, Uint8Array>): Promise<{ scorers: NamedScorer[]; models: tf.LayersModel[] }> {
  const names = manifest.featureNames;
  const dim = names.length;
  const scorers: NamedScorer[] = [];
  const models: tf.LayersModel[] = [];
  const file = (name: string | undefined, component: string): Uint8Array => {
    const f = name === undefined ? undefined : files.get(name);
    if (!f) throw new ThreatlabError('THREATLAB_BAD_MODEL', `component ${component}: file ${name ?? '(none)'} missing from the bundle`);
    return f;
  };
  for (const [name, entry] of Object.entries(manifest.components) as [ComponentName, NonNullable<BundleManifest['components'][ComponentName]>][]) {
    const params = parseJson(entry.params, file(entry.params, name));
    switch (name) {
      case 'prevalence':
        if (!isPrevalenceParams(params, dim)) throw new ThreatlabError('THREATLAB_BAD_MODEL', 'prevalence parameters are malformed');
        scorers.push({ name, scorer: new PrevalenceScorer(params, names) });
        break;
      case 'cluster':
        if (!isKMeansParams(params, dim)) throw new ThreatlabError('THREATLAB_BAD_MODEL', 'k-means parameters are malformed (centroids, scales or scaler)');
        scorers.push({ name, scorer: new KMeansScorer(params, names) });
        break;
      case 'autoencoder': {
        if (!isAutoencoderParams(params, dim)) throw new ThreatlabError('THREATLAB_BAD_MODEL', 'autoencoder parameters are malformed');
        const model = await loadLayersModelBytes({ modelJson: file(entry.modelJson, name), weights: file(entry.weights, name) }, 'autoencoder', dim, dim);
        models.push(model);
        scorers.push({ name, scorer: new AutoencoderScorer(params, model, names) });
        break;
      }
      case 'classifier': {
        if (!isClassifierParams(params, dim)) throw new ThreatlabError('THREATLAB_BAD_MODEL', 'classifier parameters are malformed');
        const model = await loadLayersModelBytes({ modelJson: file(entry.modelJson, name), weights: file(entry.weights, name) }, 'classifier', dim, 1);
        models.push(model);
        scorers.push({ name, scorer: new ClassifierScorer(params, model, names) });
        break;
      }
    }
  }
  return { scorers, models };
}

export async function loadBundle(store: ArtifactStore, uri: string, opts: LoadBundleOptions = {}): Promise<LoadedModel> {
  const bytes = await store.get(joinUri(uri, MANIFEST_FILE));
  const manifestSha256 = sha256Hex(bytes);
  if (opts.expectedManifestSha256 && opts.expectedManifestSha256 !== manifestSha256) {
    throw new ThreatlabError('THREATLAB_CHECKSUM', `manifest of ${uri} has sha256 ${manifestSha256}, expected ${opts.expectedManifestSha256}`, { details: { expected: opts.expectedManifestSha256, actual: manifestSha256 } });
  }
  const manifest = parseManifest(bytes);
  if (opts.expectedFeatureSpecHash && opts.expectedFeatureSpecHash !== manifest.featureSpecHash) {
    throw new ThreatlabError('THREATLAB_FEATURE_SPEC_MISMATCH', `model ${manifest.name} at ${uri} was trained on feature spec ${manifest.featureSpecHash}, but this engine computes feature spec ${opts.expectedFeatureSpecHash}; retrain the model or run the matching release`, { details: { bundle: manifest.featureSpecHash, engine: opts.expectedFeatureSpecHash } });
  }
  const files = await readVerified(store, uri, manifest);
  const { scorers, models } = await buildScorers(manifest, files);
  const profiles = manifest.profiles ? files.get(manifest.profiles) ?? null : null;
  const model = new CompiledModel(manifest, manifestSha256, profiles, scorers, () => {
    for (const m of models) tf.tidy(() => { (m.predict(tf.zeros([1, manifest.featureNames.length])) as tf.Tensor).dataSync(); });
  });
  assertSaneScores(model);
  return model;
}
