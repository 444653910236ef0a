/**
 * Names, aliases and tag keys shared by both registries, so the embedded one accepts
 * exactly what MLflow accepts and the two can be swapped without surprises.
 */
import { ThreatlabError } from '../errors/index.js';

/** Version tags threatlab writes, read back by promotion and serving. */
export const TAG_FEATURE_SPEC_HASH = 'feature_spec_hash';
export const TAG_MANIFEST_SHA256 = 'manifest_sha256';
/** Prefix of registered-model tags holding the alias history in MLflow (one tag per move). */
export const ALIAS_MOVE_TAG_PREFIX = 'threatlab.alias_move.';

export function validateModelName(name: string): string {
  const hasControl = [...name].some((c) => c.charCodeAt(0) < 0x20);
  if (!name || name.length > 256 || hasControl || /[/\\]/.test(name)) {
    throw new ThreatlabError('THREATLAB_INPUT', `invalid model name ${JSON.stringify(name)}: 1–256 printable characters, no slashes`);
  }
  return name;
}

/** MLflow's alias rules, plus a clear word on why `latest` is refused. */
export function validateAlias(alias: string): string {
  if (/^latest$/i.test(alias)) {
    throw new ThreatlabError('THREATLAB_INPUT', '"latest" is not an alias: threatlab serves explicit aliases only (champion, challenger…)');
  }
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(alias) || /^v\d+$/i.test(alias)) {
    throw new ThreatlabError('THREATLAB_INPUT', `invalid alias ${JSON.stringify(alias)}: letters, digits, "_" and "-" only, and not of the form v<number>`);
  }
  return alias;
}

export function validateVersion(version: string): string {
  if (!/^[1-9]\d{0,9}$/.test(version)) throw new ThreatlabError('THREATLAB_INPUT', `invalid model version ${JSON.stringify(version)}: a positive whole number`);
  return version;
}

/** `who` for audit records when the caller gives none: user@host of this process. */
export function defaultWho(env: NodeJS.ProcessEnv, hostname: string): string {
  return `${env.USER || env.LOGNAME || env.USERNAME || 'unknown'}@${hostname}`;
}
