/** Small readers for parsed flags: they turn a bad value into a usage error that names the flag. */
import { ThreatlabError } from '../errors/index.js';
import type { ParsedArgs } from './command.js';

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return v[v.length - 1];
  return String(v);
}

export function requiredString(args: ParsedArgs, name: string): string {
  const v = stringFlag(args, name);
  if (v === undefined || v === '') throw new ThreatlabError('THREATLAB_USAGE', `missing required flag --${name}`);
  return v;
}

export function listFlag(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [String(v)]).flatMap((s) => s.split(',')).filter(Boolean);
}

export function intFlag(args: ParsedArgs, name: string, fallback: number, { min = -Infinity, max = Infinity } = {}): number {
  const raw = stringFlag(args, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ThreatlabError('THREATLAB_USAGE', `--${name} must be a whole number${Number.isFinite(min) ? ` ≥ ${min}` : ''}${Number.isFinite(max) ? ` ≤ ${max}` : ''}, got "${raw}"`);
  }
  return n;
}

export function numberFlag(args: ParsedArgs, name: string, fallback: number, { min = -Infinity, max = Infinity } = {}): number {
  const raw = stringFlag(args, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new ThreatlabError('THREATLAB_USAGE', `--${name} must be a number between ${min} and ${max}, got "${raw}"`);
  }
  return n;
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function oneOf<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[], fallback: T): T {
  const raw = stringFlag(args, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ThreatlabError('THREATLAB_USAGE', `--${name} must be one of ${allowed.join('|')}, got "${raw}"`);
  }
  return raw as T;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration flag such as `24h`, `90m`, `0` or `never` (returned as Infinity).
 * Units are spelled out so `--alert-hold 24` is not silently read as 24 ms.
 */
export function durationFlag(args: ParsedArgs, name: string): number | undefined {
  const raw = stringFlag(args, name);
  if (raw === undefined) return undefined;
  if (raw === 'never') return Number.POSITIVE_INFINITY;
  if (raw === '0') return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(raw);
  if (!m) throw new ThreatlabError('THREATLAB_USAGE', `--${name} must be a duration such as 24h, 90m, 30s, 0 or never, got "${raw}"`);
  return Number(m[1]) * DURATION_UNITS[m[2]];
}
