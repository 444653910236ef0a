/**
 * What the registry needs to know about a bundle, without depending on src/models: its
 * manifest (`manifest.json`), the sha256 of the manifest's bytes, the feature-spec hash,
 * and the `files` table of `{sha256, bytes}` the manifest lists. Used to check a bundle
 * before it is registered or promoted, and to copy one between stores byte for byte.
 */
import { createHash } from 'node:crypto';
import { ThreatlabError } from '../errors/index.js';
import type { ArtifactStore } from './types.js';
import { joinUri } from './uri.js';

export const MANIFEST_NAME = 'manifest.json';

export interface BundleFacts {
  uri: string;
  manifestSha256: string;
  featureSpecHash: string;
  files: Record<string, { sha256: string; bytes: number }>;
  manifestBytes: Uint8Array;
}

const sha256Hex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

export async function readBundleFacts(store: ArtifactStore, uri: string): Promise<BundleFacts> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(joinUri(uri, MANIFEST_NAME));
  } catch (err) {
    if (err instanceof ThreatlabError && err.code === 'THREATLAB_NOT_FOUND') {
      throw new ThreatlabError('THREATLAB_NOT_FOUND', `no model bundle at ${uri} (${MANIFEST_NAME} missing)`, { cause: err });
    }
    throw err;
  }
  let manifest: { featureSpecHash?: unknown; files?: unknown };
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes)) as typeof manifest;
  } catch (cause) {
    throw new ThreatlabError('THREATLAB_BAD_MODEL', `bundle manifest at ${uri} is not JSON`, { cause });
  }
  if (typeof manifest.featureSpecHash !== 'string' || !manifest.featureSpecHash) throw new ThreatlabError('THREATLAB_BAD_MODEL', `bundle manifest at ${uri} has no featureSpecHash`);
  const files = manifest.files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) throw new ThreatlabError('THREATLAB_BAD_MODEL', `bundle manifest at ${uri} has no files table`);
  for (const [name, entry] of Object.entries(files as Record<string, unknown>)) {
    const e = entry as { sha256?: unknown; bytes?: unknown };
    // Plain names only: a manifest must not steer a copy outside its own prefix.
    if (!name || name.includes('/') || name === '..' || name === '.' || name === MANIFEST_NAME || typeof e?.sha256 !== 'string' || typeof e.bytes !== 'number') {
      throw new ThreatlabError('THREATLAB_BAD_MODEL', `bundle manifest at ${uri} has a bad file entry ${JSON.stringify(name)}`);
    }
  }
  return { uri, manifestSha256: sha256Hex(bytes), featureSpecHash: manifest.featureSpecHash, files: files as BundleFacts['files'], manifestBytes: bytes };
}

function checkFile(facts: BundleFacts, name: string, data: Uint8Array, where: string): void {
  const expected = facts.files[name];
  const actual = sha256Hex(data);
  if (actual !== expected.sha256 || data.byteLength !== expected.bytes) {
    throw new ThreatlabError('THREATLAB_CHECKSUM', `bundle file ${name} at ${where} fails its checksum: sha256 ${actual} (${data.byteLength} bytes), manifest says ${expected.sha256} (${expected.bytes} bytes)`, { details: { file: name, expected: expected.sha256, actual, uri: where } });
  }
}

/**
 * Reads every file of the bundle and checks it against the manifest (and the manifest
 * against `expectedManifestSha256` when given). Returns the facts and the file bytes.
 */
export async function verifyBundle(store: ArtifactStore, uri: string, expectedManifestSha256?: string): Promise<{ facts: BundleFacts; data: Map<string, Uint8Array> }> {
  const facts = await readBundleFacts(store, uri);
  if (expectedManifestSha256 && facts.manifestSha256 !== expectedManifestSha256) {
    throw new ThreatlabError('THREATLAB_CHECKSUM', `manifest at ${uri} has sha256 ${facts.manifestSha256}, expected ${expectedManifestSha256}`, { details: { uri, expected: expectedManifestSha256, actual: facts.manifestSha256 } });
  }
  const data = new Map<string, Uint8Array>();
  for (const name of Object.keys(facts.files).sort()) {
    const bytes = await store.get(joinUri(uri, name));
    checkFile(facts, name, bytes, uri);
    data.set(name, bytes);
  }
  return { facts, data };
}

/**
 * Copies a verified bundle to `toUri`: component files first, manifest last (so a
 * half-copied bundle has no manifest and cannot be loaded), then reads the copy back
 * and checks it, so a corrupting upload fails here rather than on a serving host.
 */
export async function copyBundle(store: ArtifactStore, fromUri: string, toUri: string, expectedManifestSha256?: string): Promise<BundleFacts> {
  const { facts, data } = await verifyBundle(store, fromUri, expectedManifestSha256);
  for (const [name, bytes] of data) await store.put(joinUri(toUri, name), bytes);
  await store.put(joinUri(toUri, MANIFEST_NAME), facts.manifestBytes);
  const copied = await verifyBundle(store, toUri, facts.manifestSha256);
  return copied.facts;
}
