/** Hand-made Activities for the feature tests: small, readable, every field controllable. */
import type { Activity } from '../../src/events/activity.js';

export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0); // a Monday, 09:00 UTC
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const LONDON = { country: 'GB', city: 'London', lat: 51.5072, lon: -0.1276, timeZone: 'Europe/London' };
export const SYDNEY = { country: 'AU', city: 'Sydney', lat: -33.8688, lon: 151.2093, timeZone: 'Australia/Sydney' };
export const NEW_YORK = { country: 'US', city: 'New York', lat: 40.7128, lon: -74.006, timeZone: 'America/New_York' };

let seq = 0;

export function activity(over: Partial<Activity> & { geo?: Activity['geo'] } = {}): Activity {
  seq++;
  return {
    schemaVersion: 1,
    id: `evt-${seq}`,
    time: T0,
    vendor: 'o365',
    tenant: 'contoso',
    user: 'alice@contoso.com',
    app: 'Exchange',
    action: 'login',
    rawAction: 'UserLoggedIn',
    outcome: 'success',
    ip: '81.2.69.160',
    geo: { ...LONDON },
    asn: 20712,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edge/120',
    device: { id: null, family: 'desktop', os: 'Windows', browser: 'Edge' },
    object: null,
    ...over,
  };
}

/** An event with nothing but the required fields: no IP, geo, ASN, device, agent, object. */
export function bareActivity(over: Partial<Activity> = {}): Activity {
  return activity({ ip: null, geo: null, asn: null, userAgent: null, device: null, object: null, app: '', ...over });
}
