import { readFileSync } from 'node:fs';
import type { Command } from '../command.js';

export const versionCommand: Command = {
  name: 'version',
  summary: 'print the threatlab version',
  usage: 'version',
  options: {},
  async run(_args, ctx) {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    ctx.out.write(`threatlab ${pkg.version}\n`);
    return 0;
  },
};
