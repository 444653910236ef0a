/**
 * `train --register`: put the bundle where the registry's users can read it, log the
 * training run, and create a model version pointing at the bundle. Ordered so that a
 * failure leaves nothing pointing at a bundle that is not fully there: copy (verified)
 * → run → version. A retried registration after a failure re-uses the same
 * content-addressed location, so it does not pile up copies.
 */
import { ThreatlabError } from '../errors/index.js';
import { copyBundle, readBundleFacts } from './bundle-files.js';
import { TAG_FEATURE_SPEC_HASH, TAG_MANIFEST_SHA256, validateModelName } from './naming.js';
import type { ArtifactStore, ModelRegistry, ModelVersion } from './types.js';
import { asPrefix, joinUri, schemeOf } from './uri.js';

export interface RegisterDeps {
  registry: ModelRegistry;
  /** The artifact router (must serve both the bundle's scheme and the artifact root's). */
  store: ArtifactStore;
  /** `config.artifactRoot`: where registered bundles live. */
  artifactRoot: string;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface RegisterInput {
  name: string;
  /** Where training wrote the bundle. */
  bundleUri: string;
  manifestSha256: string;
  featureSpecHash: string;
  metrics: Record<string, number>;
  params: Record<string, string | number | boolean>;
  description?: string;
}

export interface Registration {
  version: ModelVersion;
  /** Where the registered bundle lives (the version's source). */
  uri: string;
  runId: string;
}

/** The registered location of a bundle: under the artifact root, named by its manifest hash. */
export function registeredBundleUri(artifactRoot: string, name: string, manifestSha256: string): string {
  return joinUri(artifactRoot, encodeURIComponent(name), `bundle-${manifestSha256.slice(0, 16)}`);
}

export async function registerBundle(deps: RegisterDeps, input: RegisterInput): Promise<Registration> {
  const { registry, store, artifactRoot } = deps;
  const log = deps.log ?? (() => undefined);
  validateModelName(input.name);
  const bundleUri = input.bundleUri.replace(/\/+$/, '');
  const target = bundleUri.startsWith(asPrefix(artifactRoot)) ? bundleUri : registeredBundleUri(artifactRoot, input.name, input.manifestSha256);
  if (registry.kind === 'mlflow' && schemeOf(target) === 'file') {
    // MLflow refuses local sources, and another machine could not read one anyway.
    throw new ThreatlabError('THREATLAB_CONFIG', `the MLflow registry needs bundles where every host can read them: set THREATLAB_ARTIFACT_ROOT=s3://bucket/prefix (now ${artifactRoot})`);
  }

  const facts = await readBundleFacts(store, bundleUri);
  if (facts.manifestSha256 !== input.manifestSha256) {
    throw new ThreatlabError('THREATLAB_CHECKSUM', `bundle at ${bundleUri} has manifest sha256 ${facts.manifestSha256}, but training reported ${input.manifestSha256}`);
  }
  if (facts.featureSpecHash !== input.featureSpecHash) {
    throw new ThreatlabError('THREATLAB_FEATURE_SPEC_MISMATCH', `bundle at ${bundleUri} has feature spec ${facts.featureSpecHash}, but training reported ${input.featureSpecHash}`);
  }
  if (target !== bundleUri) {
    log(`uploading bundle ${bundleUri} → ${target}`);
    await copyBundle(store, bundleUri, target, input.manifestSha256);
  }

  try {
    await registry.getModel(input.name);
  } catch (err) {
    if (!(err instanceof ThreatlabError && err.code === 'THREATLAB_NOT_FOUND')) throw err;
    try {
      await registry.createModel(input.name, { description: input.description });
    } catch (raced) {
      if (!(raced instanceof ThreatlabError && raced.code === 'THREATLAB_CONFLICT')) throw raced;
    }
  }

  const tags = { [TAG_FEATURE_SPEC_HASH]: input.featureSpecHash, [TAG_MANIFEST_SHA256]: input.manifestSha256 };
  const run = await registry.logRun({
    experiment: `threatlab/${input.name}`,
    runName: `${input.name}-${input.manifestSha256.slice(0, 8)}`,
    params: { ...input.params, bundle_uri: target },
    metrics: input.metrics,
    tags: { ...tags, bundle_uri: target },
  });
  const version = await registry.createVersion(input.name, target, { runId: run.runId, description: input.description, tags });
  log(`registered ${input.name} version ${version.version} (run ${run.runId}) at ${target}`);
  return { version, uri: target, runId: run.runId };
}
