/** The service logger: pino to stderr, credentials redacted wherever they may appear. */
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-token"]',
  'req.headers.cookie',
  'headers.authorization',
  '*.apiToken',
  '*.password',
  '*.secretAccessKey',
  '*.sessionToken',
  'config.serve.apiToken',
  // One level deeper too: an SDK client's options (`{ s3: { credentials: { … } } }`) nest them.
  '*.*.apiToken',
  '*.*.secretAccessKey',
  '*.*.sessionToken',
  '*.*.password',
];

export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'threatlab-serve' } }, destination);
}
