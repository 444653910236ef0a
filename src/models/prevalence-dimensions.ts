/**
 * Finds the prevalence dimensions in a feature spec by name. The feature engine names
 * its prevalence features `user_<c>_seen_count`, `user_<c>_share`,
 * `tenant_<c>_peer_users`, `tenant_<c>_peer_share` and `<c>_missing`; training reads
 * the indices once and stores them in the bundle (a renamed feature changes the spec
 * hash, so an old bundle can never mis-read a new engine).
 */
import type { PrevalenceDimension } from './prevalence.js';

/**
 * Categorical dimensions and their weights. User agents change with every browser
 * update and /24s with every DHCP lease or mobile network, so a new one is weaker
 * evidence than a new country, ASN, device, app or action: half weight.
 */
export const PREVALENCE_DIMENSIONS: Readonly<Record<string, number>> = {
  country: 1, city: 1, asn: 1, ip24: 0.5, device: 1, user_agent: 0.5, app: 1, action: 1,
};

/**
 * Families of dimensions that move together. Inside a family a new value usually drags
 * the others along (a new country brings a new city, ASN and /24) — one surprise, so the
 * family's surprisals add with diminishing weights. Across families the evidence is
 * independent: a new location AND a new device or client is what an account takeover
 * looks like, while a trip with the user's own laptop changes the location only. So the
 * families' surprisals add in full.
 */
export const PREVALENCE_FAMILIES: Readonly<Record<string, string>> = {
  country: 'location', city: 'location', asn: 'location', ip24: 'location',
  device: 'client', user_agent: 'client',
  app: 'activity', action: 'activity',
};

export function discoverDimensions(names: readonly string[]): PrevalenceDimension[] {
  const at = (n: string) => names.indexOf(n);
  const total = at('user_event_count');
  const dims: PrevalenceDimension[] = [];
  for (const [c, weight] of Object.entries(PREVALENCE_DIMENSIONS)) {
    const userCount = at(`user_${c}_seen_count`);
    const userShare = at(`user_${c}_share`);
    if (userCount < 0 && userShare < 0) continue;
    dims.push({
      name: c, userCount, userShare, userTotal: total,
      tenantShare: at(`tenant_${c}_peer_share`), tenantCount: at(`tenant_${c}_peer_users`), missing: at(`${c}_missing`), weight,
      family: PREVALENCE_FAMILIES[c] ?? c,
    });
  }
  return dims;
}
