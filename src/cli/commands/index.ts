/** Every command of `threatlab`, in the order `--help` lists them. One line per command. */
import type { Command } from '../command.js';
import { versionCommand } from './version.js';
import { trainCommand } from './train.js';
import { scoreCommand } from './score.js';
import { evaluateCommand } from './evaluate.js';
import { modelsCommand } from './models.js';
import { normalizeCommand } from './normalize.js';
import { generateCommand } from './generate.js';
import { serveCommand } from './serve.js';
import { demoCommand } from './demo.js';

export const COMMANDS: Command[] = [
  versionCommand,
  trainCommand,
  scoreCommand,
  evaluateCommand,
  modelsCommand,
  normalizeCommand,
  generateCommand,
  serveCommand,
  demoCommand,
];
