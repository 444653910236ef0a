/** Routes kafkajs's own log lines into our pino logger, so one process has one log stream. */
import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

export function kafkaLogCreator(logger: Logger): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () => ({ namespace, level, log }) => {
    const { message, timestamp: _t, ...extra } = log;
    const fields = { namespace, ...extra };
    // Said once per idempotent producer: our retries are bounded on purpose (fail, redeliver, dedupe by eventId).
    if (message.startsWith('Limiting retries for the idempotent producer')) return void child.debug(fields, message);
    // kafkajs logs every broker error response (rebalance in progress, coordinator loading…)
    // at ERROR before retrying it; the failures that matter surface as thrown errors.
    if (namespace === 'Connection' && message.startsWith('Response ')) return void child.debug(fields, message);
    if (level === logLevel.ERROR) child.error(fields, message);
    else if (level === logLevel.WARN) child.warn(fields, message);
    else if (level === logLevel.INFO) child.info(fields, message);
    else child.debug(fields, message);
  };
}

/** kafkajs's own level to ask for: it formats nothing below what pino will print anyway. */
export function kafkaLevelFor(logger: Logger): logLevel {
  switch (logger.level) {
    case 'debug':
    case 'trace':
      return logLevel.DEBUG;
    case 'info':
      return logLevel.INFO;
    case 'warn':
      return logLevel.WARN;
    case 'silent':
      return logLevel.NOTHING;
    default:
      return logLevel.ERROR;
  }
}
