/**
 * Background processes for the service stack: started detached in their own process
 * group (so a stop reaches their workers too), output to a log file, pid in a file so
 * another process can stop them.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export interface DaemonSpec {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Written as soon as the process exists, so a failed start can still be cleaned up. */
  pidFile: string;
}

/** Starts the command detached; returns its pid (= its process group id). */
export function startDaemon(spec: DaemonSpec): number {
  const out = fs.openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    // An exec failure (missing binary) arrives as an event; the health check reports it.
    child.on('error', (err) => fs.appendFileSync(spec.logFile, `spawn failed: ${err.message}\n`));
    child.unref();
    fs.writeFileSync(spec.pidFile, String(child.pid));
    return child.pid;
  } finally {
    fs.closeSync(out);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const HAS_PROC = fs.existsSync('/proc/self/cwd');

/**
 * Is `pid` still the daemon started in `dir`? Every daemon runs with its service folder
 * as working directory, so a pid that was recycled for an unrelated process (after a
 * reboot, or long after a crash) is never signalled.
 */
export function isDaemon(pid: number, dir: string): boolean {
  if (!isAlive(pid)) return false;
  if (!HAS_PROC) return true;
  try {
    const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
    // /proc shows the resolved path; the folder may sit behind a symlink.
    const expected = fs.existsSync(dir) ? fs.realpathSync(dir) : dir;
    return cwd === expected || cwd === `${expected} (deleted)`;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM to the whole group, then SIGKILL if it has not exited within `graceMs`. */
export async function stopDaemon(pid: number, dir: string, graceMs = 15_000): Promise<void> {
  if (!isDaemon(pid, dir)) return;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
}

/** For process-exit handlers, where nothing asynchronous runs any more. */
export function killDaemonNow(pid: number, dir: string): void {
  if (isDaemon(pid, dir)) signalGroup(pid, 'SIGKILL');
}

export function tailFile(file: string, lines = 30): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
