/**
 * Artifact URIs: `file:///abs/path`, `s3://bucket/key`, `memory://name/key`. Commands accept
 * a plain path or a URI from users; everything past the CLI speaks URIs only, so the
 * router can pick a store by scheme and a registry can record one location string.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ThreatlabError } from '../errors/index.js';

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The scheme of a URI in lower case (`s3`, `file`, `memory`), or null for a plain path. */
export function schemeOf(uri: string): string | null {
  const m = SCHEME.exec(uri);
  return m ? m[1].toLowerCase() : null;
}

/**
 * Turns what a user typed (a relative or absolute path, or a URI) into a URI. Paths are
 * resolved against `cwd`; URIs are returned unchanged.
 */
export function toArtifactUri(pathOrUri: string, cwd: string = process.cwd()): string {
  if (!pathOrUri) throw new ThreatlabError('THREATLAB_USAGE', 'an artifact location may not be empty');
  if (schemeOf(pathOrUri)) return pathOrUri;
  return pathToFileURL(path.resolve(cwd, pathOrUri)).href;
}

/** The absolute local path of a `file://` URI; a clear error for `file://relative` forms. */
export function filePathOf(uri: string): string {
  if (schemeOf(uri) !== 'file') throw new ThreatlabError('THREATLAB_UNKNOWN_SCHEME', `not a file:// URI: ${uri}`);
  let url: URL;
  try {
    url = new URL(uri);
  } catch (cause) {
    throw new ThreatlabError('THREATLAB_INPUT', `malformed file URI: ${uri}`, { cause });
  }
  if (url.host && url.host !== 'localhost') {
    throw new ThreatlabError('THREATLAB_INPUT', `file URIs must be absolute (file:///abs/path), got ${uri}`);
  }
  if (url.search || url.hash) {
    throw new ThreatlabError('THREATLAB_INPUT', `file URIs may not carry ?query or #fragment (encode "?" as %3F, "#" as %23): ${uri}`);
  }
  return fileURLToPath(url);
}

/** The `file://` URI of an absolute path (percent-encoded where needed). */
export function fileUriOf(absolutePath: string): string {
  return pathToFileURL(absolutePath).href;
}

/** Bucket/host and key of `scheme://host/key`; the key has no leading slash. */
export function splitUri(uri: string): { scheme: string; host: string; key: string } {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)\/?(.*)$/i.exec(uri);
  if (!m) throw new ThreatlabError('THREATLAB_INPUT', `malformed artifact URI: ${uri}`);
  return { scheme: m[1].toLowerCase(), host: m[2], key: m[3] };
}

/** Appends path segments to a URI with exactly one slash between parts. */
export function joinUri(base: string, ...segments: string[]): string {
  let out = base.replace(/\/+$/, '');
  for (const segment of segments) {
    const clean = segment.replace(/^\/+|\/+$/g, '');
    if (clean) out += `/${clean}`;
  }
  return out;
}

/** A prefix URI with a trailing slash, so that `list(…/v1)` does not also match `…/v10`. */
export function asPrefix(uri: string): string {
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/** Rejects `..` and `.` segments: a key that needs normalising is a key somebody is trying to bend. */
export function assertPlainKey(uri: string, key: string): void {
  const segments = key.split('/');
  if (segments.some((s) => s === '..' || s === '.')) {
    throw new ThreatlabError('THREATLAB_INPUT', `artifact URI may not contain "." or ".." segments: ${uri}`);
  }
}
