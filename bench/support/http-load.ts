/**
 * A wrk-like load generator, run as its own process so it does not share the server's
 * event loop: N keep-alive connections, one request in flight on each (no pipelining),
 * one fixed JSON body, for a bounded time against a LOOPBACK URL only. Prints one JSON line.
 *
 * It writes pre-built request bytes to raw sockets and reads only the status line and
 * Content-Length of each response. node:http's client costs ~40 µs of CPU per request,
 * which on a 2-core machine is CPU taken from the server being measured; this costs a
 * few µs, as wrk does.
 *
 *   tsx bench/support/http-load.ts URL BODY_FILE SECONDS CONCURRENCY [TOKEN]
 */
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { quantile } from './quantile.js';

const [url, bodyFile, secondsArg, concurrencyArg, token] = process.argv.slice(2);
const target = new URL(url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) {
  throw new Error(`load is only ever sent to loopback, not ${target.hostname}`);
}
const host = target.hostname.replace(/^\[|\]$/g, '');
const port = Number(target.port || 80);
const body = readFileSync(bodyFile);
const seconds = Math.min(60, Number(secondsArg));
const concurrency = Math.min(256, Number(concurrencyArg));
const head = [
  `POST ${target.pathname}${target.search} HTTP/1.1`,
  `host: ${target.host}`,
  'content-type: application/json',
  `content-length: ${body.length}`,
  ...(token ? [`authorization: Bearer ${token}`] : []),
  '', '',
].join('\r\n');
const request = Buffer.concat([Buffer.from(head, 'latin1'), body]);

let ok = 0;
let errors = 0;
const latencies: number[] = [];
const end = Date.now() + seconds * 1000;
const HEADER_END = Buffer.from('\r\n\r\n');

/** One connection: send, read one whole response, repeat until the time is up. */
function connection(): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, noDelay: true });
    let buffered = Buffer.alloc(0);
    let started = 0;
    const send = () => {
      if (Date.now() >= end) { socket.end(); return; }
      started = performance.now();
      socket.write(request);
    };
    socket.on('connect', send);
    socket.on('data', (chunk) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      for (;;) {
        const headerEnd = buffered.indexOf(HEADER_END);
        if (headerEnd < 0) return;
        const headText = buffered.toString('latin1', 0, headerEnd);
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(headText);
        if (!length) { errors++; socket.destroy(); return; } // chunked replies are not expected from this server
        const total = headerEnd + 4 + Number(length[1]);
        if (buffered.length < total) return;
        if (headText.startsWith('HTTP/1.1 200')) ok++;
        else errors++;
        latencies.push(performance.now() - started);
        buffered = buffered.subarray(total);
        send();
      }
    });
    socket.on('error', () => { errors++; });
    socket.on('close', () => resolve());
  });
}

const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, connection));
const elapsed = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
const q = (p: number) => quantile(latencies, p, true);
process.stdout.write(`${JSON.stringify({ ok, errors, seconds: elapsed, reqPerSec: ok / elapsed, p50Ms: q(0.5), p99Ms: q(0.99) })}\n`);
