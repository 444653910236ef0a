/**
 * Where the local service stack keeps things. Installed software (Kafka jars, the Python
 * venv) lives in a cache outside the repository so a fresh clone reuses it; per-stack
 * state and logs live under `.state/services/` inside the repository (gitignored).
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const KAFKA_VERSION = '3.9.1';
/** The bucket that holds model bundles and MLflow artifacts. */
export const BUCKET = 'threatlab';
/** moto accepts any credentials; these are what the stack hands to clients. */
export const S3_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test', region: 'us-east-1' } as const;

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.THREATLAB_CACHE_DIR || path.join(os.homedir(), '.cache', 'threatlab'));
}

export interface InstallPaths {
  cache: string;
  venv: string;
  python: string;
  kafkaLibs: string;
  kafkaHome: string;
  /** Maven's local repository, kept in the cache so "cold cache" really means cold. */
  mavenRepo: string;
  pipCache: string;
  requirements: string;
  constraints: string;
  kafkaPom: string;
}

export function installPaths(env: NodeJS.ProcessEnv = process.env): InstallPaths {
  const cache = cacheDir(env);
  const venv = path.join(cache, 'venv');
  const kafkaHome = path.join(cache, `kafka-${KAFKA_VERSION}`);
  return {
    cache,
    venv,
    python: path.join(venv, 'bin', 'python'),
    kafkaHome,
    kafkaLibs: path.join(kafkaHome, 'libs'),
    mavenRepo: path.join(cache, 'm2'),
    pipCache: path.join(cache, 'pip'),
    requirements: path.join(repoRoot, 'services', 'requirements.txt'),
    constraints: path.join(repoRoot, 'services', 'constraints.txt'),
    kafkaPom: path.join(repoRoot, 'services', 'kafka', 'pom.xml'),
  };
}

/** Root of all stacks' state; each stack has its own folder below it. */
export const servicesStateRoot = path.join(repoRoot, '.state', 'services');

export function stackDir(name: string): string {
  return path.join(servicesStateRoot, name);
}
