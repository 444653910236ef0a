/**
 * The simulated tenant: offices in several cities and time zones (one opening
 * mid-period), and its people — each with a home office, work hours, a heavy-tailed
 * activity rate, devices, home and mobile IPs, and habits (hybrid work, VPN, travel,
 * weekend work, a phone upgrade). Service accounts, admins and dormant accounts too.
 */
import { desktopProfile, mobileProfile, SCRIPT_UAS, tabletProfile, type DeviceProfile } from './agents.js';
import { city, type CityEntry } from './cities.js';
import type { Rng } from './random.js';
import { DAY, HOUR, haversineKm } from './time.js';

export interface Office {
  city: CityEntry;
  /** Epoch ms from which the office exists (new office opening mid-period). */
  opensAt: number;
  /** The office's internet egress addresses, shared by everyone working there. */
  egressIps: string[];
}

export type Persona = 'employee' | 'admin' | 'service' | 'dormant';

export interface Trip {
  destination: CityEntry;
  /** Departure time (last moment at home) and arrival time at the destination (flight + airports). */
  depart: number;
  arrive: number;
  /** Departure back home and arrival at home. */
  returnDepart: number;
  returnArrive: number;
}

export interface SimUser {
  index: number;
  email: string;
  displayName: string;
  persona: Persona;
  office: Office;
  /** Local work start (hours, fractional) and length. */
  workStart: number;
  workLength: number;
  /** Share of weekdays worked from the office (else from home). */
  officeShare: number;
  weekendWorker: boolean;
  /** Activity multiplier, log-normal around 1: a few people do most of the work. */
  rate: number;
  homeIp: string;
  mobileIps: string[];
  desktop: DeviceProfile;
  mobile: DeviceProfile | null;
  /** A phone upgrade: from `at`, the mobile device is this one. */
  phoneUpgrade: { at: number; device: DeviceProfile } | null;
  tablet: DeviceProfile | null;
  /** Commercial VPN exits (data-centre IPs) used from home some of the time. */
  vpnIps: string[] | null;
  trips: Trip[];
  /** Active period (new hires start later; dormant accounts stop early). */
  activeFrom: number;
  activeUntil: number;
  /** How many distinct documents the user works on (heavy-tailed). */
  fileCount: number;
  team: string;
  /** Engineers and IT staff who script against the APIs from their own machine (a benign `cli` client). */
  devTool: string | null;
  /** A self-service password change; the phone keeps the old password for a while and fails to sign in. */
  passwordChangeAt: number | null;
  /** Service accounts: fixed client and data-centre addresses. */
  scriptUa: string | null;
  serviceIps: string[] | null;
}

export interface Tenant {
  name: string;
  domain: string;
  offices: Office[];
  users: SimUser[];
  start: number;
  end: number;
}

const FIRST = ['james', 'mary', 'robert', 'patricia', 'john', 'jennifer', 'michael', 'linda', 'david', 'elizabeth', 'william', 'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'charles', 'karen', 'priya', 'arjun', 'wei', 'li', 'yuki', 'hiroshi', 'anna', 'lukas', 'sophie', 'maximilian', 'emma', 'oliver', 'amelia', 'noah', 'olivia', 'liam', 'mia', 'lucas', 'chloe', 'ethan', 'fatima', 'omar', 'aisha', 'mateo', 'sofia', 'diego', 'ines', 'hugo', 'lea', 'jonas', 'ravi', 'ananya', 'chen', 'mei', 'kenji', 'sakura', 'dmitri', 'olga', 'kwame', 'ngozi'];
const LAST = ['smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez', 'hernandez', 'lopez', 'wilson', 'anderson', 'taylor', 'thomas', 'moore', 'jackson', 'martin', 'lee', 'patel', 'sharma', 'wang', 'zhang', 'tanaka', 'suzuki', 'muller', 'schmidt', 'schneider', 'fischer', 'dubois', 'moreau', 'laurent', 'walker', 'hall', 'young', 'king', 'wright', 'scott', 'green', 'baker', 'adams', 'nelson', 'hill', 'campbell', 'mitchell', 'roberts', 'carter', 'phillips', 'evans', 'turner', 'torres', 'parker', 'collins', 'edwards', 'stewart', 'morris', 'murphy', 'cook', 'rogers'];
const TEAMS = ['finance', 'sales', 'engineering', 'marketing', 'hr', 'legal', 'operations', 'support', 'product', 'it'];
const SERVICES = ['svc-backup', 'svc-crm-sync', 'svc-etl', 'svc-reporting', 'svc-hr-feed', 'svc-build', 'svc-archiver', 'svc-monitoring'];

/** Office cities with their weight in the headcount; the last one opens half-way through. */
const OFFICE_PLAN: ReadonlyArray<readonly [string, number]> = [
  ['london', 30], ['new-york', 24], ['san-francisco', 14], ['berlin', 14], ['singapore', 10], ['toronto', 8],
];
const TRAVEL_CITIES = ['paris', 'amsterdam', 'dublin', 'madrid', 'chicago', 'boston', 'seattle', 'tokyo', 'sydney', 'mumbai', 'manchester', 'munich', 'london', 'new-york', 'san-francisco', 'berlin', 'singapore'];
/** Commercial VPN exits people pick: nearby data centres. */
const VPN_CITIES: Readonly<Record<string, string[]>> = {
  london: ['london', 'amsterdam', 'frankfurt'], 'new-york': ['ashburn', 'new-york', 'chicago'], 'san-francisco': ['seattle', 'san-francisco'],
  berlin: ['frankfurt', 'amsterdam'], singapore: ['singapore', 'tokyo'], toronto: ['toronto', 'ashburn'],
};
const SERVICE_CITIES = ['ashburn', 'frankfurt', 'dublin', 'amsterdam'];
const DEV_TOOLS = ['python-requests/2.31.0', 'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.2506', 'curl/8.4.0', 'PostmanRuntime/7.36.0'];

/** Commercial flights: cruise ≈ 800 km/h plus taxi/boarding; door to door is never faster. */
export function flightDurationMs(from: CityEntry, to: CityEntry): number {
  const km = haversineKm(from.lat, from.lon, to.lat, to.lon);
  return Math.round((km / 750 + 3) * HOUR);
}

export function buildTenant(rng: Rng, users: number, start: number, days: number, tenantName: string): Tenant {
  const end = start + days * DAY;
  const domain = `${tenantName.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example`;
  const offices: Office[] = OFFICE_PLAN.map(([id], i) => {
    const c = city(id);
    const r = rng.fork(`office:${id}`);
    const egress = [r.pick(c.isp), r.pick(c.isp)];
    return { city: c, opensAt: i === OFFICE_PLAN.length - 1 ? start + Math.floor(days / 2) * DAY : start, egressIps: [...new Set(egress)] };
  });
  const taken = new Set<string>();
  const people: SimUser[] = [];
  const nServices = Math.max(1, Math.min(SERVICES.length, Math.round(users * 0.01)));
  const nAdmins = Math.max(1, Math.round(users * 0.02));
  const nDormant = Math.max(1, Math.round(users * 0.01));
  for (let i = 0; i < users; i++) {
    const r = rng.fork(`user:${i}`);
    const persona: Persona = i < nServices ? 'service' : i < nServices + nAdmins ? 'admin' : i < nServices + nAdmins + nDormant ? 'dormant' : 'employee';
    const office = persona === 'service' ? offices[0] : r.weighted(offices.map((o, k) => [o, OFFICE_PLAN[k][1]] as const));
    let local: string;
    let displayName: string;
    if (persona === 'service') {
      local = SERVICES[i];
      displayName = local;
    } else {
      const first = r.pick(FIRST);
      const last = r.pick(LAST);
      local = `${first}.${last}`;
      for (let n = 2; taken.has(local); n++) local = `${first}.${last}${n}`;
      displayName = `${first[0].toUpperCase()}${first.slice(1)} ${last[0].toUpperCase()}${last.slice(1)}`;
    }
    taken.add(local);
    const c = office.city;
    const hasMobile = persona !== 'service' && r.chance(0.85);
    const mobile = hasMobile ? mobileProfile(r) : null;
    const upgradeAt = mobile && r.chance(0.06) ? start + r.uniform(0.1, 0.9) * days * DAY : null;
    let activeFrom = Math.max(start, office.opensAt);
    if (persona === 'employee' && office.opensAt === start && r.chance(0.02)) activeFrom = start + r.uniform(0.2, 0.8) * days * DAY; // new hire
    const activeUntil = persona === 'dormant' ? start + r.uniform(1, Math.max(1.5, Math.min(4, days / 6))) * DAY : end;
    const team = persona === 'service' ? 'it' : r.pick(TEAMS);
    const serviceCity = persona === 'service' ? city(r.pick(SERVICE_CITIES)) : null;
    people.push({
      index: i,
      email: `${local}@${domain}`,
      displayName,
      persona,
      office,
      workStart: Math.min(11, Math.max(6.5, r.normal(8.6, 0.9))),
      workLength: Math.min(11, Math.max(5, r.normal(8.5, 0.9))),
      officeShare: r.weighted([[0.9, 3], [0.6, 4], [0.3, 2], [0.05, 1]]),
      weekendWorker: r.chance(0.15),
      rate: persona === 'service' ? 1 : Math.min(8, r.logNormal(1, 0.6)),
      // Mobile networks and much home broadband are IPv6 today; real logs mix both.
      homeIp: c.isp6.length > 0 && r.chance(0.15) ? r.pick(c.isp6) : r.pick(c.isp),
      mobileIps: [r.pick(c.isp), c.isp6.length > 0 && r.chance(0.5) ? r.pick(c.isp6) : r.pick(c.isp), r.pick(c.isp)],
      desktop: desktopProfile(r),
      mobile,
      phoneUpgrade: upgradeAt && mobile ? { at: upgradeAt, device: mobileProfile(r, !mobile.clientUa.startsWith('Outlook-iOS')) } : null,
      tablet: persona !== 'service' && r.chance(0.1) ? tabletProfile(r) : null,
      vpnIps: persona !== 'service' && r.chance(0.1) ? vpnExits(r, c.id) : null,
      trips: persona === 'employee' || persona === 'admin' ? planTrips(r, c, start, days) : [],
      activeFrom,
      activeUntil,
      fileCount: Math.max(3, Math.min(400, Math.round(r.pareto(8, 1.3)))),
      team,
      devTool: (team === 'engineering' || team === 'it') && persona !== 'service' && r.chance(0.35) ? r.pick(DEV_TOOLS) : null,
      passwordChangeAt: persona !== 'service' && mobile && r.chance(0.04) ? start + r.uniform(0.05, 0.95) * days * DAY : null,
      scriptUa: persona === 'service' ? r.pick(SCRIPT_UAS) : null,
      serviceIps: serviceCity ? [r.pick(serviceCity.hosting.length ? serviceCity.hosting : serviceCity.isp), r.pick(serviceCity.hosting.length ? serviceCity.hosting : serviceCity.isp)] : null,
    });
  }
  return { name: tenantName, domain, offices, users: people, start, end };
}

function vpnExits(r: Rng, home: string): string[] {
  const exits = (VPN_CITIES[home] ?? ['amsterdam']).map((id) => city(id)).filter((c) => c.hosting.length > 0);
  const c = r.pick(exits);
  return [r.pick(c.hosting), r.pick(c.hosting), r.pick(c.hosting)];
}

function planTrips(r: Rng, home: CityEntry, start: number, days: number): Trip[] {
  if (!r.chance(0.12) || days < 5) return [];
  const destination = city(r.pick(TRAVEL_CITIES.filter((id) => id !== home.id)));
  const departDay = r.int(1, Math.max(1, days - 4));
  const depart = start + departDay * DAY + r.uniform(6, 18) * HOUR;
  const arrive = depart + flightDurationMs(home, destination);
  const stay = r.int(2, 5) * DAY;
  const returnDepart = arrive + stay + r.uniform(-6, 6) * HOUR;
  const returnArrive = returnDepart + flightDurationMs(destination, home);
  return [{ destination, depart, arrive, returnDepart, returnArrive }];
}

/** Where the user is at time t: home city, a trip destination, or in the air (null). */
export function whereIs(u: SimUser, t: number): CityEntry | null {
  for (const trip of u.trips) {
    if (t >= trip.depart && t < trip.arrive) return null;
    if (t >= trip.arrive && t < trip.returnDepart) return trip.destination;
    if (t >= trip.returnDepart && t < trip.returnArrive) return null;
  }
  return u.office.city;
}

export function mobileDevice(u: SimUser, t: number): DeviceProfile | null {
  if (u.phoneUpgrade && t >= u.phoneUpgrade.at) return u.phoneUpgrade.device;
  return u.mobile;
}
