/**
 * `file://` store confined to a set of root folders. A URI that reaches outside every root
 * (an absolute path elsewhere, a `..` segment, a symlink pointing out) is refused with a
 * clear error: a model URI arrives over the model topic and from the registry, and must
 * not become a way to read or overwrite arbitrary files on a serving host.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import { ThreatlabError } from '../errors/index.js';
import type { ArtifactStore } from './types.js';
import { asPrefix, fileUriOf, filePathOf, schemeOf } from './uri.js';

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Raw path segments of a file URI, decoded, before URL parsing quietly resolves `..` away. */
function rawSegments(uri: string): string[] {
  const raw = uri.replace(/^file:\/\/[^/]*/i, '').split(/[?#]/)[0];
  return raw.split('/').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
}

export class FileArtifactStore implements ArtifactStore {
  readonly schemes = ['file'] as const;
  readonly roots: readonly string[];

  /** @param roots absolute folders (or file:// URIs) every object must live under. */
  constructor(roots: string | readonly string[]) {
    const list = (typeof roots === 'string' ? [roots] : [...roots]).map((r) => (schemeOf(r) === 'file' ? filePathOf(r) : r));
    if (list.length === 0) throw new ThreatlabError('THREATLAB_CONFIG', 'a file artifact store needs at least one root folder');
    for (const root of list) {
      if (!path.isAbsolute(root)) throw new ThreatlabError('THREATLAB_CONFIG', `file artifact root must be absolute, got "${root}"`);
    }
    this.roots = [...new Set(list.map((r) => path.resolve(r)))];
  }

  /** The root a path lies under lexically (the deepest one if roots nest). */
  private rootOf(uri: string, target: string): string {
    const root = this.roots.filter((r) => isInside(r, target)).sort((a, b) => b.length - a.length)[0];
    if (!root) {
      throw new ThreatlabError('THREATLAB_INPUT', `${uri} is outside the artifact roots (${this.roots.join(', ')}); set THREATLAB_ARTIFACT_ROOT or write under it`, { details: { uri, roots: this.roots } });
    }
    return root;
  }

  /** Resolves and checks a URI lexically: scheme, `..` segments, and root containment. */
  private resolve(uri: string): { target: string; root: string } {
    if (schemeOf(uri) !== 'file') throw new ThreatlabError('THREATLAB_UNKNOWN_SCHEME', `file store cannot serve ${uri}`);
    if (rawSegments(uri).some((s) => s === '..' || s === '.')) {
      throw new ThreatlabError('THREATLAB_INPUT', `artifact URI may not contain "." or ".." segments: ${uri}`);
    }
    const target = filePathOf(uri);
    return { target, root: this.rootOf(uri, target) };
  }

  /**
   * Follows symlinks: the real location of `target` (or of its deepest existing ancestor,
   * for a file about to be created) must still be inside the real root.
   */
  private async assertNoEscape(uri: string, target: string, root: string): Promise<void> {
    let realRoot: string;
    try {
      realRoot = await fs.realpath(root);
    } catch (err) {
      if (isMissing(err)) return; // nothing exists yet under the root, so nothing can point out of it
      throw this.ioError('check', uri, err);
    }
    let probe = target;
    for (;;) {
      try {
        const real = await fs.realpath(probe);
        if (!isInside(realRoot, real)) {
          throw new ThreatlabError('THREATLAB_INPUT', `${uri} resolves through a symlink to ${real}, outside the artifact root ${root}`, { details: { uri, real, root } });
        }
        return;
      } catch (err) {
        if (!isMissing(err)) throw err instanceof ThreatlabError ? err : this.ioError('check', uri, err);
        const parent = path.dirname(probe);
        if (parent === probe || !isInside(root, parent)) return;
        probe = parent;
      }
    }
  }

  private ioError(action: string, uri: string, err: unknown): ThreatlabError {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    // Disk full or a busy file may clear up; a permission problem will not.
    const retriable = code === 'EAGAIN' || code === 'EBUSY' || code === 'EMFILE' || code === 'ENFILE' || code === 'ENOSPC';
    return new ThreatlabError('THREATLAB_STORE_UNAVAILABLE', `cannot ${action} ${uri}: ${(err as Error).message}`, { cause: err, retriable });
  }

  private async checked(uri: string): Promise<string> {
    const { target, root } = this.resolve(uri);
    await this.assertNoEscape(uri, target, root);
    return target;
  }

  /** Writes to a temporary sibling then renames, so readers never see half a file. */
  async put(uri: string, data: Uint8Array): Promise<void> {
    const target = await this.checked(uri);
    const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await fs.mkdir(path.dirname(target), { recursive: true });
      // mkdir may have created folders; check again that nothing on the way is a symlink out.
      await this.checked(uri);
      const handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      try {
        await handle.writeFile(data);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, target);
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      if (err instanceof ThreatlabError) throw err;
      throw this.ioError('write', uri, err);
    }
  }

  async get(uri: string): Promise<Uint8Array> {
    const target = await this.checked(uri);
    try {
      const buf = await fs.readFile(target);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (err) {
      if (isMissing(err)) throw new ThreatlabError('THREATLAB_NOT_FOUND', `no artifact at ${uri}`, { cause: err });
      if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw new ThreatlabError('THREATLAB_INPUT', `${uri} is a folder, not an artifact`);
      throw this.ioError('read', uri, err);
    }
  }

  async exists(uri: string): Promise<boolean> {
    const target = await this.checked(uri);
    try {
      return (await fs.stat(target)).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw this.ioError('check', uri, err);
    }
  }

  /** Every file below a folder, recursively, as `file://` URIs in sorted order. */
  async list(prefixUri: string): Promise<string[]> {
    const dir = await this.checked(asPrefix(prefixUri).replace(/\/$/, ''));
    const realRoot = await fs.realpath(this.rootOf(prefixUri, dir)).catch(() => null);
    const out: string[] = [];
    const walk = async (folder: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(folder, { withFileTypes: true });
      } catch (err) {
        if (isMissing(err)) return;
        throw this.ioError('list', prefixUri, err);
      }
      for (const entry of entries) {
        const full = path.join(folder, entry.name);
        if (entry.name.includes('.tmp-')) continue; // a write in progress
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile()) out.push(fileUriOf(full));
        else if (entry.isSymbolicLink() && realRoot) {
          // Listed only when it points at a file inside the root, as get() would allow.
          const real = await fs.realpath(full).catch(() => null);
          if (real && isInside(realRoot, real) && (await fs.stat(real)).isFile()) out.push(fileUriOf(full));
        }
      }
    };
    await walk(dir);
    return out.sort();
  }

  /** Deleting what is not there is not an error (as on S3). */
  async delete(uri: string): Promise<void> {
    const target = await this.checked(uri);
    try {
      await fs.unlink(target);
    } catch (err) {
      if (isMissing(err)) return;
      throw this.ioError('delete', uri, err);
    }
  }
}
