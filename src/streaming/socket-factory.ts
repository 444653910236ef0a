/**
 * kafkajs's socket factory with TCP_NODELAY. kafkajs leaves Nagle's algorithm on, so a
 * small request written while another is unacknowledged on the same connection (a
 * produce behind a fetch, a heartbeat, an offset commit) can wait for the peer's delayed
 * ACK: tens of milliseconds of latency for nothing. Kafka's own clients set TCP_NODELAY.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

const KEEP_ALIVE_DELAY_MS = 60_000;

export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tls.connect({ host, port, ...(!net.isIP(host) ? { servername: host } : {}), ...ssl }, onConnect)
    : net.connect({ host, port }, onConnect);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
  return socket;
};
