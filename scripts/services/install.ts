/**
 * Installs what the stack runs on into the cache (outside the repository): the Kafka
 * jars via Maven, and a Python venv with MLflow and moto via pip. Each is skipped when
 * a stamp file says it was built from the same pom / requirements; a changed pin
 * rebuilds it. The stamp is written last, so an interrupted install never looks complete.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { installPaths, type InstallPaths } from './paths.js';

type Log = (line: string) => void;

const STAMP = '.threatlab-stamp';

function digest(files: string[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(fs.readFileSync(file));
  return hash.digest('hex');
}

function stampMatches(dir: string, expected: string): boolean {
  try {
    return fs.readFileSync(path.join(dir, STAMP), 'utf8').trim() === expected;
  } catch {
    return false;
  }
}

function runOrThrow(log: Log, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args[0] ?? ''} failed with exit code ${result.status ?? result.signal}`);
}

export function installKafka(paths: InstallPaths, log: Log): void {
  const stamp = digest([paths.kafkaPom]);
  if (stampMatches(paths.kafkaHome, stamp)) {
    log(`kafka jars: up to date in ${paths.kafkaLibs}`);
    return;
  }
  const building = `${paths.kafkaHome}.partial-${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  fs.mkdirSync(building, { recursive: true });
  runOrThrow(log, 'mvn', [
    '-q', '-B', '-Dstyle.color=never',
    'dependency:copy-dependencies',
    '-f', paths.kafkaPom,
    `-Dmaven.repo.local=${paths.mavenRepo}`,
    `-DoutputDirectory=${path.join(building, 'libs')}`,
    '-DincludeScope=runtime',
  ]);
  fs.writeFileSync(path.join(building, STAMP), `${stamp}\n`);
  fs.rmSync(paths.kafkaHome, { recursive: true, force: true });
  fs.renameSync(building, paths.kafkaHome);
  log(`kafka jars: ${fs.readdirSync(paths.kafkaLibs).length} jars in ${paths.kafkaLibs}`);
}

export function installVenv(paths: InstallPaths, log: Log, python = process.env.THREATLAB_PYTHON || 'python3'): void {
  const stamp = digest([paths.requirements, paths.constraints]);
  if (stampMatches(paths.venv, stamp)) {
    log(`python venv: up to date in ${paths.venv}`);
    return;
  }
  // Built in place (venv scripts hard-code their own path, so it cannot be renamed);
  // the stamp is written last, so an interrupted install is redone by the next run.
  if (!fs.existsSync(paths.python)) runOrThrow(log, python, ['-m', 'venv', paths.venv]);
  const pipEnv = { ...process.env, PIP_CACHE_DIR: paths.pipCache, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  runOrThrow(log, paths.python, [
    '-m', 'pip', 'install', '--quiet', '--progress-bar', 'off',
    '-r', paths.requirements, '-c', paths.constraints,
  ], pipEnv);
  fs.writeFileSync(path.join(paths.venv, STAMP), `${stamp}\n`);
  log(`python venv: ready in ${paths.venv}`);
}

export function installAll(log: Log, env: NodeJS.ProcessEnv = process.env): InstallPaths {
  const paths = installPaths(env);
  fs.mkdirSync(paths.cache, { recursive: true });
  installKafka(paths, log);
  installVenv(paths, log);
  return paths;
}
