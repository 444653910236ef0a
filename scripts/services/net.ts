/** Ports and readiness for the local services. */
import net from 'node:net';
import { isAlive, sleep, tailFile } from './proc.js';

/** A free loopback port: bind port 0 and let the kernel choose, then release it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

export class ServiceStartError extends Error {
  constructor(service: string, reason: string, logFile: string) {
    super(`${service} did not start: ${reason}\n--- last lines of ${logFile} ---\n${tailFile(logFile)}`);
    this.name = 'ServiceStartError';
  }
}

export interface ReadyWait {
  service: string;
  pid: number;
  logFile: string;
  timeoutMs: number;
  /** Resolves true when the service answers as it should; throwing counts as "not yet". */
  probe: () => Promise<boolean>;
}

/**
 * Polls `probe` until it succeeds. Fails at once if the process has died (no point
 * waiting for a corpse) and at the deadline otherwise, with the log's last lines.
 */
export async function waitReady(wait: ReadyWait): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  let lastError = 'no answer yet';
  for (;;) {
    if (!isAlive(wait.pid)) throw new ServiceStartError(wait.service, 'the process exited', wait.logFile);
    try {
      if (await wait.probe()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new ServiceStartError(wait.service, `not ready after ${wait.timeoutMs / 1000} s (${lastError})`, wait.logFile);
    }
    await sleep(250);
  }
}

/** fetch with its own timeout, so a half-open socket cannot stall a health check. */
export async function fetchWithTimeout(url: string, init: RequestInit = {}, timeoutMs = 3000): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}
