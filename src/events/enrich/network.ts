/**
 * Is an address a data centre (cloud, hosting, commercial VPN exit) or a person's ISP?
 * Account-takeover traffic comes overwhelmingly from the former, office and home
 * traffic from the latter, so features want to know. Offline approximation: a list of
 * well-known hosting / VPN networks by AS number, plus organisation-name keywords for
 * the long tail. It errs towards `isp` (a missed data centre costs less than calling
 * a residential ISP a data centre for every user on it).
 */

/** Cloud, hosting, CDN and commercial-VPN networks. */
export const HOSTING_ASNS: ReadonlySet<number> = new Set([
  16509, 14618, 8987, // Amazon (AWS)
  8075, 8068, 8069, // Microsoft (Azure)
  15169, 396982, 19527, // Google / Google Cloud
  31898, // Oracle Cloud
  14061, // DigitalOcean
  24940, // Hetzner
  16276, // OVH
  20473, // Vultr (Choopa)
  63949, // Linode / Akamai Connected Cloud
  20940, 16625, 21342, 33905, // Akamai
  54113, // Fastly
  13335, 209242, // Cloudflare (incl. WARP)
  45102, 37963, // Alibaba Cloud
  132203, // Tencent Cloud
  51167, // Contabo
  36352, // ColoCrossing
  62240, // Clouvider
  46606, // Unified Layer
  53667, // FranTech / BuyVM
  9009, // M247 (many commercial VPN exits)
  212238, // Datacamp / CDN77 (VPN exits)
  60068, // CDN77
  39351, // 31173 Services (Mullvad)
  136787, // TEFINCOM (NordVPN)
  44477, // Stark Industries (frequent attack infrastructure)
  49981, // WorldStream
  202425, // IP Volume
  8100, // QuadraNet
  29802, // HIVELOCITY
]);

const HOSTING_ORG = /\b(host|hosting|cloud|server|servers|data ?cent(er|re)|colo(cation)?|vps|dedicated|cdn|akamai|fastly|amazon|google|microsoft|oracle|vpn)\b/i;

export type NetworkKind = 'hosting' | 'isp' | 'unknown';

/** Classifies an AS (number and organisation name as the ASN table gives them). */
export function networkKind(asn: number | null, org?: string | null): NetworkKind {
  if (asn === null) return 'unknown';
  if (HOSTING_ASNS.has(asn)) return 'hosting';
  if (org && HOSTING_ORG.test(org)) return 'hosting';
  return 'isp';
}
