/**
 * Dispatches argv to a command: global flags, `--help` for every command, parsing with
 * strict flags, and the one place that turns errors into a message and an exit code.
 */
import { parseArgs } from 'node:util';
import { ThreatlabError, describeError, exitCodeOf } from '../errors/index.js';
import type { Command, CommandContext, OptionSpec } from './command.js';

function formatOptions(options: Record<string, OptionSpec>): string {
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}${spec.short ? `, -${spec.short}` : ''}`;
    const dflt = spec.default !== undefined && spec.default !== false ? ` (default: ${String(spec.default)})` : '';
    return [flag, `${spec.description}${dflt}`] as const;
  });
  const width = Math.max(0, ...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`).join('\n');
}

export function commandHelp(cmd: Command): string {
  const opts = formatOptions(cmd.options);
  return `threatlab ${cmd.name} — ${cmd.summary}\n\nUsage:\n${cmd.usage.split('\n').map((u) => `  threatlab ${u}`).join('\n')}\n\nOptions:\n${opts ? `${opts}\n` : ''}  --help      show this help\n  --verbose   show stack traces on errors\n`;
}

export function mainHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'threatlab — train, register and serve threat-detection models for SaaS audit logs',
    '',
    'Usage: threatlab <command> [options]     threatlab <command> --help',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

/** Runs the CLI; resolves to the exit code. Never throws. */
export async function runCli(argv: string[], commands: Command[], ctx: Omit<CommandContext, 'verbose'>): Promise<number> {
  const verbose = argv.includes('--verbose');
  const rest = argv.filter((a) => a !== '--verbose');
  const [name, ...cmdArgs] = rest;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    ctx.out.write(mainHelp(commands));
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    ctx.err.write(`threatlab: unknown command "${name}" (run threatlab --help for the list)\n`);
    return 2;
  }
  if (cmdArgs.includes('--help') || cmdArgs.includes('-h')) {
    ctx.out.write(commandHelp(cmd));
    return 0;
  }
  try {
    const options = Object.fromEntries(
      Object.entries(cmd.options).map(([k, { description: _d, valueName: _v, ...spec }]) => [k, spec]),
    );
    let parsed;
    try {
      parsed = parseArgs({ args: cmdArgs, options, strict: true, allowPositionals: cmd.allowPositionals ?? false });
    } catch (err) {
      throw new ThreatlabError('THREATLAB_USAGE', `${cmd.name}: ${(err as Error).message.split('\n')[0]}`);
    }
    return await cmd.run(parsed as { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }, { ...ctx, verbose });
  } catch (err) {
    ctx.err.write(`threatlab ${cmd.name}: ${describeError(err).replace(`${cmd.name}: `, "")}\n`);
    if (verbose && err instanceof Error && err.stack) ctx.err.write(`${err.stack}\n`);
    return exitCodeOf(err);
  }
}
