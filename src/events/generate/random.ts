/**
 * Seeded randomness for the generator (never Math.random: same seed → same bytes).
 * xoshiro128** seeded through splitmix32; `fork(label)` derives an independent stream
 * per entity, so adding a user or a campaign does not reshuffle everyone else.
 */

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a of a string, mixed with a number: a stable 32-bit seed for a named sub-stream. */
export function hashSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    const sm = splitmix32(seed);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm() | 1;
  }

  /** Independent stream for a named entity (a user, a campaign, a day). */
  fork(label: string): Rng {
    return new Rng(hashSeed(this.seed, label));
  }

  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  uniform(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [v, w] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1][0];
  }

  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median: heavy right tail (activity rates, file sizes). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  /** Pareto with minimum xm and shape alpha (smaller alpha = heavier tail). */
  pareto(xm: number, alpha: number): number {
    return xm / Math.pow(1 - this.next(), 1 / alpha);
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  poisson(mean: number): number {
    if (mean > 30) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** Zipf-like index in [0, n): item i chosen with weight 1/(i+1)^s — a few favourites, a long tail. */
  zipf(n: number, s = 1.1): number {
    // Inverse-CDF of the continuous approximation; exact enough for choosing files and apps.
    const u = this.next();
    if (s === 1) return Math.min(n - 1, Math.floor(Math.pow(n + 1, u)) - 1);
    const a = 1 - s;
    const x = Math.pow(u * (Math.pow(n + 1, a) - 1) + 1, 1 / a) - 1;
    return Math.min(n - 1, Math.max(0, Math.floor(x)));
  }

  /** A random GUID-shaped id (what Microsoft 365 uses for record ids). */
  guid(): string {
    const x = this.uint32();
    const y = this.uint32();
    const z = this.uint32();
    const w = this.uint32();
    const b = (n: number, shift: number) => HEX[(n >>> shift) & 255];
    // Version 4 and the RFC 4122 variant, as Microsoft 365 record ids have.
    return `${b(x, 24)}${b(x, 16)}${b(x, 8)}${b(x, 0)}-${b(y, 24)}${b(y, 16)}-4${HEX[(y >>> 8) & 255][1]}${b(y, 0)}-${HEX[((z >>> 24) & 0x3f) | 0x80]}${b(z, 16)}-${b(z, 8)}${b(z, 0)}${b(w, 24)}${b(w, 16)}${b(w, 8)}${b(w, 0)}`;
  }


}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
