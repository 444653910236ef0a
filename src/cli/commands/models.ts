/**
 * `threatlab models …`: look at registered models, move aliases (promote, rollback) and
 * re-announce them on the model topic. The registry and stores come from the environment
 * (MLFLOW_TRACKING_URI, THREATLAB_ARTIFACT_ROOT, KAFKA_BROKERS), as in every command.
 */
import os from 'node:os';
import pino from 'pino';
import { loadConfig, type Config } from '../../config/index.js';
import { ThreatlabError } from '../../errors/index.js';
import {
  artifactStoresFromConfig, defaultWho, promote, publishCurrentAliases, registryFromConfig, rollback,
  type AliasMove, type ModelRegistry, type ModelVersion, type PromotionDeps, type PromotionResult,
} from '../../registry/index.js';
import { busFromConfig } from '../../streaming/index.js';
import { boolFlag, requiredString, stringFlag } from '../args.js';
import type { Command, CommandContext, ParsedArgs } from '../command.js';

const SUBCOMMANDS = ['list', 'show', 'promote', 'rollback', 'publish'] as const;

const iso = (ms: number): string => (ms ? new Date(ms).toISOString() : '-');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

function positionals(args: ParsedArgs, sub: string, min: number, max: number, usage: string): string[] {
  const rest = args.positionals.slice(1);
  if (rest.length < min || rest.length > max) throw new ThreatlabError('THREATLAB_USAGE', `${sub} expects ${usage}, got ${rest.length ? rest.map((r) => JSON.stringify(r)).join(' ') : 'nothing'}`);
  return rest;
}

function printJson(ctx: CommandContext, value: unknown): void {
  ctx.out.write(`${JSON.stringify(value, null, 2)}\n`);
}

function describeVersion(v: ModelVersion): string {
  const tags = Object.entries(v.tags).map(([k, val]) => `    ${k} = ${val}`).join('\n');
  return [
    `${v.name} version ${v.version}${v.aliases.length ? ` (${v.aliases.map((a) => `@${a}`).join(', ')})` : ''}`,
    `  source:  ${v.source}`,
    `  run:     ${v.runId ?? '-'}`,
    `  created: ${iso(v.createdAt)}`,
    ...(v.description ? [`  about:   ${v.description}`] : []),
    ...(tags ? ['  tags:', tags] : []),
  ].join('\n') + '\n';
}

function describeMove(m: AliasMove): string {
  return `${iso(m.at)}  @${m.alias}  ${m.from ?? '-'} → ${m.to ?? '(deleted)'}  ${m.kind}  by ${m.who}${m.why ? `: ${m.why}` : ''}`;
}

/** `NAME`, `NAME@ALIAS` or `NAME/VERSION`. */
function parseRef(ref: string): { name: string; alias?: string; version?: string } {
  const at = ref.lastIndexOf('@');
  if (at > 0) return { name: ref.slice(0, at), alias: ref.slice(at + 1) };
  const slash = ref.lastIndexOf('/');
  if (slash > 0) return { name: ref.slice(0, slash), version: ref.slice(slash + 1) };
  return { name: ref };
}

async function list(registry: ModelRegistry, json: boolean, ctx: CommandContext): Promise<void> {
  const models = await registry.listModels();
  if (json) return printJson(ctx, models);
  if (models.length === 0) {
    ctx.out.write(`no registered models (${registry.kind} registry)\n`);
    return;
  }
  const rows = [['NAME', 'LATEST', 'ALIASES', 'UPDATED']];
  for (const m of models) {
    const latest = m.latestVersions.map(Number).filter(Number.isFinite).sort((a, b) => b - a)[0];
    const aliases = Object.entries(m.aliases).sort().map(([a, v]) => `${a}=${v}`).join(' ') || '-';
    rows.push([m.name, latest === undefined ? '-' : String(latest), aliases, iso(m.updatedAt)]);
  }
  ctx.out.write(table(rows));
}

async function show(registry: ModelRegistry, ref: string, json: boolean, ctx: CommandContext): Promise<void> {
  const { name, alias, version } = parseRef(ref);
  if (alias !== undefined || version !== undefined) {
    const v = alias !== undefined ? await registry.getByAlias(name, alias) : await registry.getVersion(name, version!);
    if (json) return printJson(ctx, v);
    ctx.out.write(describeVersion(v));
    return;
  }
  const [model, versions, history] = await Promise.all([registry.getModel(name), registry.listVersions(name), registry.aliasHistory(name)]);
  if (json) return printJson(ctx, { model, versions, aliasHistory: history });
  ctx.out.write(`${model.name}  (${registry.kind} registry; created ${iso(model.createdAt)})\n`);
  if (model.description) ctx.out.write(`  ${model.description}\n`);
  ctx.out.write('\nVersions:\n');
  if (versions.length === 0) ctx.out.write('  none\n');
  else {
    const rows = [['VERSION', 'ALIASES', 'CREATED', 'SOURCE']];
    for (const v of versions) rows.push([v.version, v.aliases.join(',') || '-', iso(v.createdAt), v.source]);
    ctx.out.write(table(rows).replace(/^(?=.)/gm, '  '));
  }
  ctx.out.write('\nAlias history:\n');
  ctx.out.write(history.length ? `${history.map((m) => `  ${describeMove(m)}`).join('\n')}\n` : '  none\n');
}

function reportPromotion(result: PromotionResult, topic: string, json: boolean, ctx: CommandContext): void {
  if (json) return printJson(ctx, result);
  const { message: m, move } = result;
  const what = move ? `moved from ${move.from ?? '(unset)'}` : 'already there; announced again';
  ctx.out.write(`${m.model}@${m.alias} → version ${m.version} (${what}); published to ${topic}\n  uri: ${m.uri}\n  manifest sha256: ${m.manifestSha256}\n  feature spec: ${m.featureSpecHash}\n`);
}

export const modelsCommand: Command = {
  name: 'models',
  summary: 'list, show, promote, roll back and re-publish registered models',
  usage: [
    'models list [--json]',
    'models show NAME[@ALIAS|/VERSION] [--json]',
    'models promote NAME VERSION --alias ALIAS [--why TEXT] [--json]',
    'models rollback NAME --alias ALIAS [--why TEXT] [--json]',
    'models publish [NAME] [--json]',
  ].join('\n'),
  allowPositionals: true,
  options: {
    alias: { type: 'string', description: 'alias to move (champion, challenger…)', valueName: 'ALIAS' },
    why: { type: 'string', description: 'reason recorded in the alias history', valueName: 'TEXT' },
    json: { type: 'boolean', description: 'print JSON instead of text' },
  },
  async run(args, ctx) {
    const sub = args.positionals[0];
    if (!sub || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new ThreatlabError('THREATLAB_USAGE', `models: expected a sub-command (${SUBCOMMANDS.join('|')})${sub ? `, got "${sub}"` : ''}`);
    }
    const json = boolFlag(args, 'json');
    const config: Config = loadConfig(ctx.env);
    const registry = registryFromConfig(config);
    if (sub === 'list') {
      positionals(args, sub, 0, 0, 'no arguments');
      await list(registry, json, ctx);
      return 0;
    }
    if (sub === 'show') {
      const [ref] = positionals(args, sub, 1, 1, 'NAME[@ALIAS|/VERSION]');
      await show(registry, ref, json, ctx);
      return 0;
    }

    // Arguments are checked before anything connects, so a typo costs nothing.
    const rest = sub === 'promote' ? positionals(args, sub, 2, 2, 'NAME VERSION --alias ALIAS')
      : sub === 'rollback' ? positionals(args, sub, 1, 1, 'NAME --alias ALIAS')
        : positionals(args, sub, 0, 1, '[NAME]');
    const alias = sub === 'publish' ? '' : requiredString(args, 'alias');
    const audit = { who: defaultWho(ctx.env, os.hostname()), why: stringFlag(args, 'why') ?? '' };
    // kafkajs logs every reconnect attempt; a command reports the outcome in one line instead.
    const bus = busFromConfig(config, { logger: pino({ level: ctx.verbose ? config.logLevel : 'silent' }, pino.destination(2)) });
    const deps: PromotionDeps = {
      registry, bus, store: artifactStoresFromConfig(config), topic: config.topics.models,
    };
    if (bus.kind === 'memory') ctx.err.write('note: KAFKA_BROKERS is not set; the update goes to the in-process bus only (serving reads the registry when it starts)\n');
    try {
      if (sub === 'promote') {
        ctx.err.write(`checking the bundle of ${rest[0]} version ${rest[1]}…\n`);
        reportPromotion(await promote(deps, { name: rest[0], version: rest[1], alias, ...audit }), deps.topic, json, ctx);
      } else if (sub === 'rollback') {
        reportPromotion(await rollback(deps, { name: rest[0], alias, ...audit }), deps.topic, json, ctx);
      } else {
        const messages = await publishCurrentAliases(deps, { name: rest[0] });
        if (json) printJson(ctx, messages);
        else if (messages.length === 0) ctx.out.write('no aliases to publish\n');
        else ctx.out.write(messages.map((m) => `published ${m.model}@${m.alias} = version ${m.version} to ${config.topics.models}\n`).join(''));
      }
    } finally {
      await bus.close().catch(() => undefined);
    }
    return 0;
  },
};
