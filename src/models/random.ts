/** A small seeded PRNG (mulberry32) so sampling and initialisation repeat for a given seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` distinct row indices out of `n` (all of them, in order, when n ≤ size). */
export function sampleRows(n: number, size: number, seed: number): Uint32Array {
  if (n <= size) return Uint32Array.from({ length: n }, (_, i) => i);
  // Reservoir sampling keeps memory at `size` whatever n is.
  const rnd = seededRandom(seed);
  const out = new Uint32Array(size);
  for (let i = 0; i < size; i++) out[i] = i;
  for (let i = size; i < n; i++) {
    const j = Math.floor(rnd() * (i + 1));
    if (j < size) out[j] = i;
  }
  return out.sort();
}
