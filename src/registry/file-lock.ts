/**
 * A lock file beside a JSON document, so that two threatlab processes updating the
 * embedded registry at once serialise instead of losing a write. The lock is a file
 * created with O_EXCL holding the owner's pid; a lock whose owner is dead, or which is
 * older than `staleMs`, is taken over (a crashed process must not block the registry).
 */
import { constants, promises as fs } from 'node:fs';
import { ThreatlabError } from '../errors/index.js';

export interface LockOptions {
  /** Give up after this long. */
  timeoutMs?: number;
  /** A lock held longer than this is presumed abandoned. */
  staleMs?: number;
}

function ownerAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [content, stat] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    if (Date.now() - stat.mtimeMs > staleMs) return true;
    // Empty or unreadable: a taker between creating the file and writing its pid. Only its
    // age can make it stale (the owner may have died in between).
    const pid = Number(content.split(' ')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    return !ownerAlive(pid);
  } catch {
    return false; // vanished: try again rather than break it
  }
}

let graves = 0;

/**
 * Removes a stale lock. Renamed to a name of its own first, so that only one of several
 * waiters removes it; if what was renamed turns out to be a live lock (another waiter
 * replaced the stale one in between), it is put back.
 */
async function breakStaleLock(lockPath: string, staleMs: number): Promise<void> {
  const grave = `${lockPath}.stale-${process.pid}-${graves++}`;
  if (!(await fs.rename(lockPath, grave).then(() => true, () => false))) return;
  if (!(await isStale(grave, staleMs))) {
    await fs.link(grave, lockPath).catch(() => undefined);
  }
  await fs.rm(grave, { force: true });
}

export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 60_000;
  const started = Date.now();
  let delay = 5;
  for (;;) {
    try {
      const handle = await fs.open(lockPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      await handle.writeFile(`${process.pid} ${new Date().toISOString()}`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await isStale(lockPath, staleMs)) {
        await breakStaleLock(lockPath, staleMs);
        continue;
      }
      if (Date.now() - started > timeoutMs) {
        throw new ThreatlabError('THREATLAB_REGISTRY_UNAVAILABLE', `registry is locked by another process (${lockPath}); retry, or remove the lock if no threatlab process is running`);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(200, delay * 2);
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}
