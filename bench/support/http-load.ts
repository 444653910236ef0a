/**
 * A small autocannon-like load generator, run as its own process so it does not share
 * the server's event loop: keep-alive connections, N requests in flight, one fixed
 * JSON body, for a bounded time against a LOOPBACK URL only. Prints one JSON line.
 *
 *   tsx bench/support/http-load.ts URL BODY_FILE SECONDS CONCURRENCY [TOKEN]
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';

const [url, bodyFile, secondsArg, concurrencyArg, token] = process.argv.slice(2);
const target = new URL(url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) {
  throw new Error(`load is only ever sent to loopback, not ${target.hostname}`);
}
const body = readFileSync(bodyFile);
const seconds = Math.min(60, Number(secondsArg));
const concurrency = Math.min(256, Number(concurrencyArg));
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': body.length };
if (token) headers.authorization = `Bearer ${token}`;

let ok = 0;
let errors = 0;
const latencies: number[] = [];
const end = Date.now() + seconds * 1000;

function one(): Promise<void> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request({ host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port, path: target.pathname, method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) ok++;
        else errors++;
        latencies.push(performance.now() - started);
        resolve();
      });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end(body);
  });
}

async function worker(): Promise<void> {
  while (Date.now() < end) await one();
}

const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const elapsed = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : 0;
agent.destroy();
process.stdout.write(`${JSON.stringify({ ok, errors, seconds: elapsed, reqPerSec: ok / elapsed, p50Ms: q(0.5), p99Ms: q(0.99) })}\n`);
