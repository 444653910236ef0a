/**
 * The shape of one CLI command. Each command lives in `commands/<name>.ts`, declares
 * its flags once (node's parseArgs format) and gets them parsed and checked before
 * `run` is called, so a wrong flag is a one-line usage error, never a stack trace.
 */
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string; valueName?: string };

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface CommandContext {
  /** Where normal output goes (stdout); progress and logs go to stderr. */
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  verbose: boolean;
}

export interface Command {
  name: string;
  summary: string;
  /** Usage line(s) after `threatlab `, e.g. `normalize --input FILE... --out FILE`. */
  usage: string;
  options: Record<string, OptionSpec>;
  /** Whether positional arguments are accepted (sub-commands such as `models list`). */
  allowPositionals?: boolean;
  /** Resolves to the process exit code. */
  run(args: ParsedArgs, ctx: CommandContext): Promise<number>;
}
