/**
 * Builds the artifact router from config: `file://` (confined to the state folder, the
 * configured artifact root and any folder the user named explicitly), `s3://` and
 * `memory://`.
 */
import path from 'node:path';
import type { Config } from '../config/index.js';
import { FileArtifactStore } from './file-store.js';
import { MemoryArtifactStore } from './memory-store.js';
import { createArtifactRouter } from './router.js';
import { S3ArtifactStore, type S3StoreOptions } from './s3-store.js';
import type { ArtifactStore } from './types.js';
import { filePathOf, schemeOf, toArtifactUri } from './uri.js';

export interface ArtifactStoreOptions {
  /**
   * Extra folders (paths or file:// URIs) the file store may read and write, such as a
   * `--out` or `--bundle` location the user typed. Only folders a person chose belong
   * here; a URI that arrived over the network must stay within the configured roots.
   */
  fileRoots?: string[];
  /** Overrides for the S3 store (client, attempts…). */
  s3?: Partial<S3StoreOptions>;
  /** Shared memory store, so several routers in one process see the same objects. */
  memory?: MemoryArtifactStore;
}

/** The file roots a config allows: the state folder and a file:// artifact root. */
export function fileRootsOf(config: Pick<Config, 'stateDir' | 'artifactRoot'>, extra: string[] = []): string[] {
  const roots = [config.stateDir];
  if (schemeOf(config.artifactRoot) === 'file') roots.push(filePathOf(config.artifactRoot));
  for (const e of extra) roots.push(filePathOf(toArtifactUri(e)));
  return roots.map((r) => path.resolve(r));
}

export function artifactStoresFromConfig(config: Pick<Config, 'stateDir' | 'artifactRoot' | 's3'>, options: ArtifactStoreOptions = {}): ArtifactStore {
  return createArtifactRouter([
    new FileArtifactStore(fileRootsOf(config, options.fileRoots)),
    new S3ArtifactStore({ endpoint: config.s3.endpoint, region: config.s3.region, forcePathStyle: config.s3.forcePathStyle, ...options.s3 }),
    options.memory ?? new MemoryArtifactStore(),
  ]);
}
