/** Offline enrichment of Activities: GeoIP (GeoLite2 City), ASN (RouteViews/DB-IP), user agents. */
export { createEnricher, lookupIpUncached, bareIp } from './enricher.js';
export type { Enricher, EnricherOptions, IpInfo } from './enricher.js';
export { parseUserAgent } from './useragent.js';
export type { DeviceFamily } from './useragent.js';
export { ipv4ToNumber, numberToIpv4 } from './ip.js';
export { networkKind, HOSTING_ASNS } from './network.js';
export type { NetworkKind } from './network.js';
