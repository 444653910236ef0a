/** The `threatlab` executable: wires the command table to the process. */
import { runCli } from './run.js';
import { COMMANDS } from './commands/index.js';

const code = await runCli(process.argv.slice(2), COMMANDS, { out: process.stdout, err: process.stderr, env: process.env });
process.exitCode = code;
