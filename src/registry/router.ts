/**
 * One ArtifactStore in front of several, chosen by URI scheme. Built at start-up from
 * config (see stores.ts) and passed down: no global registry of schemes.
 */
import { ThreatlabError } from '../errors/index.js';
import type { ArtifactStore } from './types.js';
import { schemeOf } from './uri.js';

export function createArtifactRouter(stores: ArtifactStore[]): ArtifactStore {
  const byScheme = new Map<string, ArtifactStore>();
  for (const store of stores) {
    for (const scheme of store.schemes) {
      if (byScheme.has(scheme)) throw new ThreatlabError('THREATLAB_CONFIG', `two artifact stores claim the "${scheme}://" scheme`);
      byScheme.set(scheme, store);
    }
  }
  const known = [...byScheme.keys()].sort();

  const pick = (uri: string): ArtifactStore => {
    const scheme = schemeOf(uri);
    const store = scheme ? byScheme.get(scheme) : undefined;
    if (!store) {
      const what = scheme ? `scheme "${scheme}://"` : 'no scheme';
      throw new ThreatlabError('THREATLAB_UNKNOWN_SCHEME', `cannot store or load ${uri}: ${what}; known schemes: ${known.map((s) => `${s}://`).join(', ')}`, { details: { uri, known } });
    }
    return store;
  };

  return {
    schemes: known,
    // async, so that an unknown scheme is a rejected promise like every other store failure
    put: async (uri, data) => pick(uri).put(uri, data),
    get: async (uri) => pick(uri).get(uri),
    exists: async (uri) => pick(uri).exists(uri),
    list: async (prefixUri) => pick(prefixUri).list(prefixUri),
    delete: async (uri) => pick(uri).delete(uri),
  };
}
