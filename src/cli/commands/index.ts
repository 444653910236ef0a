/** Every command of `threatlab`, in the order `--help` lists them. One line per command. */
import type { Command } from '../command.js';
import { versionCommand } from './version.js';

export const COMMANDS: Command[] = [
  versionCommand,
];
