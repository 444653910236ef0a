/** Every command of `threatlab`, in the order `--help` lists them. One line per command. */
import type { Command } from '../command.js';
import { versionCommand } from './version.js';
import { modelsCommand } from './models.js';
import { normalizeCommand } from './normalize.js';

export const COMMANDS: Command[] = [
  versionCommand,
  modelsCommand,
  normalizeCommand,
];
