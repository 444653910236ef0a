/**
 * Prevalence component: how surprising the event's categorical values (country, city,
 * ASN, device, user agent, app, action, IP /24) are for this user, shrunk toward the
 * tenant. For each dimension the probability of the value is
 *
 *     p = (n_user + α · p_tenant) / (N_user + α)
 *
 * where n_user is how often the user has used the value before, N_user the user's
 * event count and p_tenant the share of the tenant's users that used it — so a new
 * user (N_user ≈ 0) is judged by the tenant, and a long history dominates the prior.
 * Each dimension's surprisal is −log₂ p. Inside a family of correlated dimensions
 * (location: country, city, ASN, /24; client: device, user agent; activity: app,
 * action) they add with diminishing weights (1, ½, ¼, … in decreasing order): a new
 * country usually brings a new city, ASN and IP, and that is one surprise, not four.
 * The families add in full: a new location with a new device is two surprises, a trip
 * with the user's own laptop one (prevalence-dimensions.ts). Bundles written before
 * families existed have none: all their dimensions form one family, as they were trained.
 *
 * The dimensions are read from features (see prevalence-dimensions.ts); when the
 * feature spec has none, the component falls back to a histogram (HBOS-style) rarity
 * of every feature's value across the training events, and says so in the manifest.
 */
import { fmt } from './kmeans.js';
import type { FeatureMatrix, Reason, Scorer } from './types.js';

export interface PrevalenceDimension {
  /** country, city, asn, device, user_agent, app, action, ip_prefix, … */
  name: string;
  /** Feature indices; -1 when the spec lacks it. */
  userCount: number;
  userShare: number;
  userTotal: number;
  tenantShare: number;
  /** Other users of the tenant with this value (for reason texts), -1 when absent. */
  tenantCount: number;
  /** Flag feature "the event has no value for this dimension": the dimension is then neutral. */
  missing: number;
  /** Multiplies the dimension's surprisal: values that churn by nature (user agents, /24s) count less. */
  weight: number;
  /** Correlated dimensions share a family (see the header); absent in older bundles. */
  family?: string;
}

export interface HistogramColumn {
  feature: number;
  /** Bin edges (upper bounds, increasing); a value goes to the first edge ≥ it. */
  edges: number[];
  /** −log₂ of the smoothed share of training rows per bin, one more entry for "above the last edge". */
  surprisal: number[];
}

export interface PrevalenceParams {
  kind: 'prevalence';
  mode: 'dimensions' | 'histogram';
  /** Pseudo-count of the tenant prior. */
  alpha: number;
  dimensions: PrevalenceDimension[];
  histograms: HistogramColumn[];
}

export const PREVALENCE_ALPHA = 10;
const DIMINISH = 0.5;

/** Feature i of the row, NaN when the spec lacks it (-1) or the value is not finite. */
function featureAt(row: Float32Array, base: number, i: number): number {
  if (i < 0) return NaN;
  const v = row[base + i];
  return Number.isFinite(v) ? v : NaN;
}

/**
 * The parts of one dimension's surprisal, written into a reused object: this runs for
 * every dimension of every scored event, so it allocates nothing and creates no closure.
 */
const parts = { bits: 0, nUser: 0, nTotal: 0, pTenant: 1 };

function surprisalParts(d: PrevalenceDimension, row: Float32Array, base: number, alpha: number): typeof parts {
  if (featureAt(row, base, d.missing) >= 0.5) {
    parts.bits = 0;
    parts.nUser = 0;
    parts.nTotal = 0;
    parts.pTenant = 1;
    return parts;
  }
  let total = featureAt(row, base, d.userTotal);
  let count = featureAt(row, base, d.userCount);
  const share = featureAt(row, base, d.userShare);
  // The share is over the user's events that HAD a value for this dimension: prefer its denominator.
  if (Number.isFinite(count) && Number.isFinite(share) && share > 0 && count > 0) total = count / share;
  if (!Number.isFinite(count) && Number.isFinite(share) && Number.isFinite(total)) count = share * total;
  if (!Number.isFinite(total) || total < 0) total = Number.isFinite(count) ? Math.max(count, 0) : 0;
  if (!Number.isFinite(count) || count < 0) count = 0;
  count = Math.min(count, total);
  let pTenant = featureAt(row, base, d.tenantShare);
  // Without tenant information, an unseen value is judged against a weak uniform prior.
  if (!Number.isFinite(pTenant)) pTenant = 0.5;
  pTenant = Math.min(1, Math.max(0, pTenant));
  // Floor the prior so a value no one in the tenant has used is very rare, not impossible.
  const prior = Math.max(pTenant, 1 / 1000);
  const p = (count + alpha * prior) / (total + alpha);
  parts.bits = d.weight * -Math.log2(Math.min(1, Math.max(p, 1e-9)));
  parts.nUser = count;
  parts.nTotal = total;
  parts.pTenant = pTenant;
  return parts;
}

export function dimensionSurprisal(d: PrevalenceDimension, row: Float32Array, base: number, alpha: number): { bits: number; nUser: number; nTotal: number; pTenant: number } {
  return { ...surprisalParts(d, row, base, alpha) };
}

/** Σ wᵢ·bᵢ over the surprisals in decreasing order, wᵢ = ½ⁱ. Sorts `bits` in place. */
function combineBits(bits: Float64Array): number {
  // Insertion sort: families hold a handful of dimensions, where it beats TypedArray#sort.
  for (let i = 1; i < bits.length; i++) {
    const v = bits[i];
    let j = i - 1;
    while (j >= 0 && bits[j] > v) {
      bits[j + 1] = bits[j];
      j--;
    }
    bits[j + 1] = v;
  }
  let s = 0;
  let w = 1;
  for (let i = bits.length - 1; i >= 0; i--) {
    s += w * bits[i];
    w *= DIMINISH;
  }
  return s;
}

/** Dimension indices grouped by family, in first-seen order; one group when no dimension names a family. */
export function familyGroups(dimensions: readonly PrevalenceDimension[]): number[][] {
  const groups = new Map<string, number[]>();
  dimensions.forEach((d, k) => {
    const f = d.family ?? '';
    if (!groups.has(f)) groups.set(f, []);
    groups.get(f)!.push(k);
  });
  return [...groups.values()];
}

function histogramBits(h: HistogramColumn, v: number): number {
  if (!Number.isFinite(v)) return 0;
  let lo = 0;
  let hi = h.edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (h.edges[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return h.surprisal[lo];
}

/** Histogram rarity for the fallback mode: up to 20 quantile bins per feature. */
export function fitHistograms(x: FeatureMatrix, features: number[]): HistogramColumn[] {
  return features.map((j) => {
    const vals = new Float64Array(x.rows);
    let n = 0;
    for (let r = 0; r < x.rows; r++) {
      const v = x.data[r * x.dim + j];
      if (Number.isFinite(v)) vals[n++] = v;
    }
    const sorted = vals.subarray(0, n).sort();
    const edges = [...new Set(Array.from({ length: 20 }, (_, i) => sorted[Math.min(n - 1, Math.floor(((i + 1) / 20) * n))]).filter(Number.isFinite))];
    const counts = new Float64Array(edges.length + 1);
    for (let i = 0; i < n; i++) {
      let k = 0;
      while (k < edges.length && edges[k] < sorted[i]) k++;
      counts[k]++;
    }
    const surprisal = Array.from(counts, (c) => -Math.log2((c + 1) / (n + edges.length + 1)));
    return { feature: j, edges, surprisal };
  });
}

export function isPrevalenceParams(v: unknown, dim: number): v is PrevalenceParams {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  const idxOk = (i: unknown) => typeof i === 'number' && Number.isInteger(i) && i >= -1 && i < dim;
  return p.kind === 'prevalence' && (p.mode === 'dimensions' || p.mode === 'histogram') && typeof p.alpha === 'number' && p.alpha > 0
    && Array.isArray(p.dimensions) && p.dimensions.every((d: PrevalenceDimension) => typeof d.name === 'string' && idxOk(d.userCount) && idxOk(d.userShare) && idxOk(d.userTotal) && idxOk(d.tenantShare) && idxOk(d.tenantCount) && idxOk(d.missing) && typeof d.weight === 'number' && Number.isFinite(d.weight) && d.weight >= 0 && (d.family === undefined || typeof d.family === 'string'))
    && Array.isArray(p.histograms) && p.histograms.every((h: HistogramColumn) => idxOk(h.feature) && Array.isArray(h.edges) && Array.isArray(h.surprisal) && h.surprisal.length === h.edges.length + 1 && h.surprisal.every(Number.isFinite));
}

function quoted(v: string | null | undefined): string {
  return v ? ` ${v.length > 60 ? `${v.slice(0, 57)}…` : v}` : '';
}

export class PrevalenceScorer implements Scorer {
  readonly name = 'prevalence';

  private readonly families: Float64Array[];
  private readonly familyDims: number[][];
  private readonly histogramBits: Float64Array;

  constructor(readonly params: PrevalenceParams, private readonly featureNames: readonly string[]) {
    this.familyDims = familyGroups(params.dimensions);
    this.families = this.familyDims.map((g) => new Float64Array(g.length));
    this.histogramBits = new Float64Array(params.histograms.length);
  }

  private rowBits(x: FeatureMatrix, r: number, valueOf?: (dimension: string) => string | null): { name: string; bits: number; text: () => string; feature: string; value: number }[] {
    const base = r * x.dim;
    if (this.params.mode === 'dimensions') {
      return this.params.dimensions.map((d) => {
        const s = dimensionSurprisal(d, x.data, base, this.params.alpha);
        const peers = d.tenantCount >= 0 ? x.data[base + d.tenantCount] : NaN;
        const tenantText = () => (Number.isFinite(peers) && s.pTenant > 0
          ? `${fmt(peers)} of ${fmt(Math.round(peers / s.pTenant))} other users in the tenant`
          : Number.isFinite(peers) && peers === 0 ? 'no other user in the tenant' : `${fmt(100 * s.pTenant)} % of the tenant's users`);
        const first = s.nUser < 0.5;
        const feature = this.featureNames[d.userCount >= 0 ? d.userCount : d.userShare >= 0 ? d.userShare : Math.max(d.tenantShare, 0)] ?? d.name;
        return {
          name: d.name,
          bits: s.bits,
          feature,
          value: s.nUser,
          // Built only for the reasons actually shown: this runs for every scored event.
          text: () => `${first ? 'first' : 'rare'} ${d.name.replace(/_/g, ' ')}${quoted(valueOf?.(d.name))} for this user: ${fmt(s.nUser)} of ${fmt(s.nTotal)} earlier events; ${tenantText()}`,
        };
      });
    }
    return this.params.histograms.map((h) => {
      const v = x.data[base + h.feature];
      return { name: this.featureNames[h.feature], feature: this.featureNames[h.feature], value: Number.isFinite(v) ? v : 0, bits: histogramBits(h, v), text: () => `${this.featureNames[h.feature]} = ${fmt(v)}, a value seen in ${fmt(100 * 2 ** -histogramBits(h, v))} % of training events` };
    });
  }

  scoreMany(x: FeatureMatrix): Float32Array {
    const out = new Float32Array(x.rows);
    for (let r = 0; r < x.rows; r++) out[r] = this.scoreRow(x, r);
    return out;
  }

  scoreRow(x: FeatureMatrix, r: number): number {
    const { dimensions, histograms, alpha, mode } = this.params;
    const base = r * x.dim;
    let v = 0;
    if (mode === 'dimensions') {
      for (let f = 0; f < this.familyDims.length; f++) {
        const dims = this.familyDims[f];
        const fb = this.families[f];
        for (let k = 0; k < dims.length; k++) fb[k] = surprisalParts(dimensions[dims[k]], x.data, base, alpha).bits;
        v += combineBits(fb);
      }
    } else {
      const bits = this.histogramBits;
      for (let k = 0; k < histograms.length; k++) bits[k] = histogramBits(histograms[k], x.data[base + histograms[k].feature]);
      v = combineBits(bits);
    }
    return Number.isFinite(v) ? v : 0;
  }

  explain(x: FeatureMatrix, row: number, top = 3): Reason[] {
    return this.explainWith(x, row, top);
  }

  /** As `explain`, naming the event's actual values (`valueOf('country')` → "NG") when the caller has the event. */
  explainWith(x: FeatureMatrix, row: number, top = 3, valueOf?: (dimension: string) => string | null): Reason[] {
    return this.rowBits(x, row, valueOf)
      .filter((b) => b.bits >= 3) // rarer than 1 in 8
      .sort((a, b) => b.bits - a.bits)
      .slice(0, top)
      .map((b) => ({ feature: b.feature, value: b.value, detail: `${b.text()} (${b.bits.toFixed(1)} bits of surprise)` }));
  }
}
