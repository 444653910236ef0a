/**
 * `memory://` store: objects in a Map, for tests and notebooks. Copies on the way in and
 * out, so a caller mutating its buffer cannot change what was stored (as with a real store).
 */
import { ThreatlabError } from '../errors/index.js';
import type { ArtifactStore } from './types.js';
import { asPrefix, assertPlainKey, schemeOf, splitUri } from './uri.js';

export class MemoryArtifactStore implements ArtifactStore {
  readonly schemes = ['memory'] as const;
  private readonly objects = new Map<string, Uint8Array>();

  private check(uri: string): string {
    if (schemeOf(uri) !== 'memory') throw new ThreatlabError('THREATLAB_UNKNOWN_SCHEME', `memory store cannot serve ${uri}`);
    const { key } = splitUri(uri);
    assertPlainKey(uri, key);
    if (!key || key.endsWith('/')) throw new ThreatlabError('THREATLAB_INPUT', `memory URI names no object: ${uri}`);
    return uri;
  }

  async put(uri: string, data: Uint8Array): Promise<void> {
    this.objects.set(this.check(uri), Uint8Array.prototype.slice.call(data));
  }

  async get(uri: string): Promise<Uint8Array> {
    const found = this.objects.get(this.check(uri));
    if (!found) throw new ThreatlabError('THREATLAB_NOT_FOUND', `no artifact at ${uri}`);
    return found.slice();
  }

  async exists(uri: string): Promise<boolean> {
    return this.objects.has(this.check(uri));
  }

  async list(prefixUri: string): Promise<string[]> {
    const prefix = asPrefix(prefixUri);
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  async delete(uri: string): Promise<void> {
    this.objects.delete(this.check(uri));
  }
}
