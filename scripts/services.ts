/**
 * `npm run -s services -- <command>`: the local service stack for development and tests
 * (Apache Kafka in KRaft mode, moto as the S3 server, MLflow with its registry), on free
 * loopback ports with state and logs in `.state/services/<stack>/`.
 *
 *   install   fetch the Kafka jars and build the Python venv into the cache (idempotent)
 *   up        start the services that are not running (idempotent); prints the env
 *   down      stop them (SIGTERM, then SIGKILL)
 *   status    each service: up/down, address, pid
 *   env       `export NAME=value` lines for a running stack: eval "$(npm run -s services -- env)"
 *
 * Options: --stack NAME (default "main"), --parts kafka,s3,mlflow (up only).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { installAll } from './services/install.js';
import { cacheDir, stackDir } from './services/paths.js';
import { downStack, readStack, stackEnv, stackStatus, upStack } from './services/stack.js';
import { SERVICE_NAMES, type ServiceName } from './services/types.js';

const USAGE = `usage: npm run -s services -- <install|up|down|status|env> [--stack NAME] [--parts kafka,s3,mlflow]

  install   fetch Kafka jars + build the Python venv into ${cacheDir()} (skipped when up to date)
  up        start the stack (idempotent); waits for health checks, fails within 2 minutes
  down      stop the stack
  status    show each service and its port
  env       print export lines for a running stack: eval "$(npm run -s services -- env)"`;

const log = (line: string) => process.stderr.write(`${line}\n`);

// The AWS SDK warns on every Node 20 process that it will want Node 22 from 2027; the
// warning would bury this script's own messages, and Node 20 is this project's floor.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]*$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

function exportLines(env: Record<string, string>): string {
  return Object.entries(env).map(([name, value]) => `export ${name}=${shellQuote(value)}`).join('\n');
}

function parseParts(value: string | undefined): ServiceName[] {
  if (!value) return [...SERVICE_NAMES];
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = parts.filter((p) => !(SERVICE_NAMES as readonly string[]).includes(p));
  if (unknown.length > 0) throw new UsageError(`unknown part "${unknown[0]}" (known: ${SERVICE_NAMES.join(', ')})`);
  return parts as ServiceName[];
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { stack: { type: 'string', default: 'main' }, parts: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  if (positionals.length > 1) throw new UsageError(`one command expected, got "${positionals.join(' ')}"`);
  const stack = values.stack!;
  if (!/^[\w.-]+$/.test(stack)) throw new UsageError(`--stack must be a plain name, got "${stack}"`);
  const dir = stackDir(stack);

  switch (positionals[0]) {
    case 'install':
      installAll(log);
      return 0;
    case 'up': {
      const state = await upStack({ dir, parts: parseParts(values.parts), log });
      log(`stack "${stack}" is up; point the CLI and tests at it with: eval "$(npm run -s services -- env${stack === 'main' ? '' : ` --stack ${stack}`})"`);
      process.stdout.write(`${exportLines(stackEnv(state))}\n`);
      return 0;
    }
    case 'down':
      await downStack(dir, log);
      return 0;
    case 'status': {
      const rows = await stackStatus(dir);
      for (const row of rows) {
        const where = row.address ? `${row.address} (port ${row.port}, pid ${row.pid})` : '';
        process.stdout.write(`${row.name.padEnd(7)}${(row.up ? 'up' : 'down').padEnd(6)}${where}\n`);
      }
      process.stdout.write(`logs: ${path.relative(process.cwd(), dir) || dir}\n`);
      return rows.some((r) => r.up) ? 0 : 3;
    }
    case 'env': {
      const rows = await stackStatus(dir);
      const down = rows.filter((r) => !r.up).map((r) => r.name);
      if (down.length === rows.length) {
        log(`stack "${stack}" is not running; start it with: npm run services -- up`);
        return 3;
      }
      if (down.length > 0) log(`note: ${down.join(', ')} not running; their variables are left out`);
      const state = readStack(dir);
      for (const name of down) delete state.services[name];
      process.stdout.write(`${exportLines(stackEnv(state))}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${positionals[0]}" (install, up, down, status, env)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      log(`services: ${err.message} (see --help)`);
      process.exit(2);
    }
    log(`services: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
