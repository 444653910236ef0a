/**
 * Attack campaigns, each mapped to MITRE ATT&CK, injected into the simulated tenant.
 * Easy ones look like the textbook (foreign or data-centre IP, script user agent, at
 * night, high volume); hard ones look like the victim (same country, the victim's own
 * browser, office hours, low volume) — what a careful attacker or an insider does.
 * Most land in the test window; a few in training, because real training data is not clean.
 */
import type { Action, Label } from '../activity.js';
import { ATTACK_TOOL_UAS } from './agents.js';
import { city, type CityEntry } from './cities.js';
import type { SimContext } from './benign.js';
import { objectFor } from './benign.js';
import type { Draft } from './draft.js';
import { anyTeamFile, mailbox } from './objects.js';
import { whereIs, type SimUser } from './population.js';
import type { Rng } from './random.js';
import { DAY, HOUR, haversineKm, localMidnight, localWeekday } from './time.js';

export type Scenario =
  | 'password_spray' | 'impossible_travel' | 'mass_download_night' | 'external_share_burst' | 'inbox_forward_rule'
  | 'oauth_consent_phishing' | 'privilege_escalation' | 'dormant_account_revival' | 'low_and_slow_exfiltration';

export interface Campaign {
  id: string;
  scenario: Scenario;
  /** MITRE ATT&CK technique id. */
  technique: string;
  /** The account that is attacked (for a spray: the one that falls). */
  user: string;
  start: number;
  end: number;
  difficulty: 'easy' | 'hard';
  description: string;
}

export const SCENARIOS: ReadonlyArray<{ scenario: Scenario; technique: string }> = [
  { scenario: 'password_spray', technique: 'T1110.003' },
  { scenario: 'impossible_travel', technique: 'T1078' },
  { scenario: 'mass_download_night', technique: 'T1530' },
  { scenario: 'external_share_burst', technique: 'T1567' },
  { scenario: 'inbox_forward_rule', technique: 'T1114.003' },
  { scenario: 'oauth_consent_phishing', technique: 'T1528' },
  { scenario: 'privilege_escalation', technique: 'T1098' },
  { scenario: 'dormant_account_revival', technique: 'T1078' },
  { scenario: 'low_and_slow_exfiltration', technique: 'T1030' },
];

export interface PlannedCampaign {
  campaign: Campaign;
  /** Groups of drafts in time order; each group becomes one session of the simulation. */
  phases: Draft[][];
}

export interface CampaignWindow {
  start: number;
  end: number;
  trainEnd: number;
}

const MINUTE = 60_000;
const FOREIGN_ISP = ['lagos', 'moscow', 'bucharest', 'sao-paulo', 'ho-chi-minh', 'istanbul'];
const FOREIGN_HOSTING = ['amsterdam', 'frankfurt', 'ashburn', 'singapore', 'sao-paulo', 'moscow', 'bucharest'];
/** Other cities of the same country: where a careful attacker's residential proxy sits. */
const SAME_COUNTRY: Readonly<Record<string, string[]>> = {
  GB: ['manchester', 'london'], US: ['chicago', 'boston', 'seattle', 'new-york', 'san-francisco'], DE: ['munich', 'berlin', 'frankfurt'],
  SG: ['singapore'], CA: ['toronto'],
};
const EXFIL_DOMAINS = ['proton.me', 'gmail.com', 'outlook.com', 'tutanota.com', 'yandex.ru'];
const OAUTH_APPS = ['Mail Backup Pro', 'PDF Converter Online', 'DocuSign Secure View', 'Teams Meeting Helper', 'Office365 Sync Tool'];

/** How many campaigns of each scenario: one per ~250 users, at least one. */
export function campaignsPerScenario(users: number): number {
  return Math.max(1, Math.round(users / 250));
}

interface Infra { ip: string; ua: string; city: CityEntry }

function attackerInfra(r: Rng, victim: SimUser, hard: boolean, preferHosting = false): Infra {
  if (hard) {
    const candidates = (SAME_COUNTRY[victim.office.city.country] ?? [victim.office.city.id]).map((id) => city(id));
    const c = r.pick(candidates);
    // A residential address that is not the victim's own: a proxy or a compromised home router.
    const ip = r.pick(c.isp.filter((x) => x !== victim.homeIp && !victim.office.egressIps.includes(x)));
    return { ip, ua: victim.desktop.browserUa, city: c };
  }
  const useHosting = preferHosting || r.chance(0.5);
  const c = city(r.pick(useHosting ? FOREIGN_HOSTING : FOREIGN_ISP));
  const pool = useHosting && c.hosting.length > 0 ? c.hosting : c.isp;
  return { ip: r.pick(pool), ua: r.pick(ATTACK_TOOL_UAS), city: c };
}

/** A start time at the given local hour range on a (week)day of the window. */
function localTime(r: Rng, victim: SimUser, from: number, to: number, hours: [number, number], weekdayOnly: boolean): number {
  const tz = victim.office.city.timeZone;
  for (let attempt = 0; attempt < 50; attempt++) {
    const day = Math.floor(from / DAY) * DAY + r.int(0, Math.max(0, Math.floor((to - from) / DAY) - 1)) * DAY;
    const midnight = localMidnight(tz, day);
    const weekday = localWeekday(tz, midnight + 12 * HOUR);
    if (weekdayOnly && (weekday === 0 || weekday === 6)) continue;
    const t = midnight + r.uniform(hours[0], hours[1]) * HOUR;
    if (t >= from && t < to) return Math.round(t);
  }
  return Math.round(from + r.uniform(0, Math.max(1, to - from)));
}

function at(victim: SimUser, time: number, action: Action, infra: { ip: string; ua: string }, label: Label, object: Draft['object'] = null): Draft {
  return { time: Math.round(time), user: victim.email, action, ip: infra.ip, ua: infra.ua, outcome: 'success', object, label };
}

export function planCampaigns(r: Rng, ctx: SimContext, window: CampaignWindow): PlannedCampaign[] {
  const users = ctx.tenant.users;
  const people = users.filter((u) => u.persona === 'employee' || u.persona === 'admin');
  const dormant = users.filter((u) => u.persona === 'dormant');
  const per = campaignsPerScenario(users.length);
  const out: PlannedCampaign[] = [];
  let n = 0;
  for (let k = 0; k < per; k++) {
    for (const [s, { scenario, technique }] of SCENARIOS.entries()) {
      const cr = r.fork(`campaign:${n}`);
      const id = `c${String(n + 1).padStart(3, '0')}-${scenario}`;
      n++;
      const hard = (k + s) % 2 === 1;
      // Mostly in the test window; about one in eight lands in training.
      const inTrain = cr.chance(0.12) && window.trainEnd - window.start > 3 * DAY;
      const from = inTrain ? window.start + DAY : window.trainEnd + 6 * HOUR;
      const to = inTrain ? window.trainEnd - DAY : window.end - (scenario === 'low_and_slow_exfiltration' ? 8 : 1) * DAY;
      const pool = scenario === 'dormant_account_revival' && dormant.length > 0 ? dormant
        : scenario === 'privilege_escalation' ? people.filter((u) => u.persona === 'employee')
          : scenario === 'impossible_travel' ? people.filter((u) => u.trips.length === 0)
            : people;
      const candidates = (pool.length > 0 ? pool : people).filter((u) => u.activeFrom < from);
      const victim = candidates.length > 0 ? cr.pick(candidates) : cr.pick(people.length > 0 ? people : users);
      const label: Label = { malicious: true, campaign: id, scenario, technique };
      const planned = PLANNERS[scenario]({ r: cr, ctx, victim, hard, label, from, to: Math.max(from + DAY, to), id });
      // A period too short for the scenario cuts it; a campaign with nothing left is not reported.
      const phases = planned.phases.map((p) => p.filter((d) => d.time >= window.start && d.time < window.end));
      const drafts = phases.flat();
      if (!drafts.some((d) => d.label.malicious)) continue;
      let start = Infinity;
      let end = -Infinity;
      for (const d of drafts) {
        if (!d.label.malicious) continue;
        start = Math.min(start, d.time);
        end = Math.max(end, d.time);
      }
      for (const phase of phases) phase.sort((a, b) => a.time - b.time);
      out.push({
        campaign: { id, scenario, technique, user: victim.email, start, end, difficulty: hard ? 'hard' : 'easy', description: planned.description },
        phases: phases.filter((p) => p.length > 0),
      });
    }
  }
  return out;
}

interface PlanArgs { r: Rng; ctx: SimContext; victim: SimUser; hard: boolean; label: Label; from: number; to: number; id: string }
type Planner = (a: PlanArgs) => { phases: Draft[][]; description: string };

function followUp(a: PlanArgs, t0: number, infra: Infra, count: number, gapMs: number, mix: ReadonlyArray<Action>): Draft[] {
  const out: Draft[] = [];
  let t = t0;
  for (let i = 0; i < count; i++) {
    t += a.r.exponential(gapMs) + 1000;
    const action = a.r.pick(mix);
    out.push(at(a.victim, t, action, infra, a.label, objectFor(a.ctx, a.r, a.victim, action)));
  }
  return out;
}

const PLANNERS: Readonly<Record<Scenario, Planner>> = {
  password_spray(a) {
    const { r, victim, hard } = a;
    const infra = attackerInfra(r, victim, hard);
    // Sprays use legacy/scripted clients even when careful; the hard one spreads out and hides in volume.
    infra.ua = hard ? victim.desktop.browserUa : r.pick(['BAV2ROPC', 'python-requests/2.28.1']);
    const t0 = localTime(r, victim, a.from, a.to, hard ? [9, 16] : [0, 5], hard);
    const others = a.ctx.tenant.users.filter((u) => u !== victim && u.persona !== 'service');
    const targets = Math.min(others.length, hard ? r.int(8, 15) : r.int(25, 45));
    const span = hard ? 6 * HOUR : 20 * MINUTE;
    const drafts: Draft[] = [];
    const chosen = new Set<SimUser>();
    while (chosen.size < targets) chosen.add(r.pick(others));
    for (const u of chosen) {
      drafts.push({ ...at(u, t0 + r.uniform(0, span), 'login_failed', infra, a.label), outcome: 'failure', failureReason: 'InvalidUserNameOrPassword' });
    }
    const fails = hard ? 1 : r.int(1, 3);
    for (let i = 0; i < fails; i++) drafts.push({ ...at(victim, t0 + r.uniform(0, span), 'login_failed', infra, a.label), outcome: 'failure', failureReason: 'InvalidUserNameOrPassword' });
    const success = t0 + span + r.uniform(2, 30) * MINUTE;
    drafts.push(at(victim, success, 'login', infra, a.label));
    drafts.push(...followUp(a, success, infra, hard ? r.int(2, 4) : r.int(6, 15), 2 * MINUTE, ['mail_access', 'mail_access', 'file_access']));
    return { phases: [drafts], description: `password spray against ${targets + 1} accounts from ${infra.ip} (${infra.city.name}), then a successful sign-in as ${victim.email}` };
  },

  impossible_travel(a) {
    const { r, victim, hard } = a;
    const home = victim.office.city;
    const t0 = localTime(r, victim, a.from, a.to, [9, 16], true);
    const gapMs = r.uniform(20, 90) * MINUTE;
    // Far enough that covering the distance in the gap would need > 900 km/h (with margin).
    const minKm = (900 * 1.5 * gapMs) / HOUR;
    const far = (ids: string[]) => ids.map((id) => city(id)).filter((c) => haversineKm(home.lat, home.lon, c.lat, c.lon) > minKm);
    let choices = far(hard ? ['new-york', 'london', 'paris', 'tokyo', 'singapore', 'sydney', 'chicago', 'madrid', 'dublin'] : FOREIGN_ISP);
    if (choices.length === 0) choices = far(['sydney', 'sao-paulo', 'tokyo', 'lagos', 'london', 'new-york']);
    const c = r.pick(choices);
    const legit = { ip: victim.office.egressIps[0], ua: victim.desktop.browserUa };
    const infra = { ip: r.pick(c.isp), ua: hard ? victim.desktop.browserUa : r.pick(ATTACK_TOOL_UAS), city: c };
    const anchor: Draft = { ...at(victim, t0, 'login', legit, { malicious: false }) };
    const t1 = t0 + gapMs;
    const drafts = [anchor, at(victim, t1, 'login', infra, a.label), ...followUp(a, t1, infra, hard ? r.int(1, 3) : r.int(5, 12), 3 * MINUTE, ['mail_access', 'file_access', 'file_download'])];
    return { phases: [drafts], description: `session from ${c.name} (${c.country}) ${Math.round(gapMs / MINUTE)} min after a sign-in from ${home.name}` };
  },

  mass_download_night(a) {
    const { r, victim, hard } = a;
    const infra = attackerInfra(r, victim, hard, true);
    if (!hard) infra.ua = r.pick(['python-requests/2.31.0', 'Go-http-client/1.1', 'rclone/v1.65.0']);
    const t0 = localTime(r, victim, a.from, a.to, hard ? [10, 15] : [1, 4], hard);
    const count = hard ? r.int(35, 70) : r.int(200, 600);
    const drafts: Draft[] = [at(victim, t0, 'login', infra, a.label)];
    let t = t0;
    const teams = ['finance', 'sales', 'legal', 'engineering', victim.team];
    for (let i = 0; i < count; i++) {
      t += hard ? r.exponential(2.5 * MINUTE) : r.exponential(6000) + 500;
      drafts.push(at(victim, t, 'file_download', infra, a.label, anyTeamFile(r, a.ctx.seed, r.pick(teams), a.ctx.hosts)));
    }
    return { phases: [drafts], description: `${count} file downloads ${hard ? 'during office hours' : 'at night'} from ${infra.ip} (${infra.city.name})` };
  },

  external_share_burst(a) {
    const { r, victim, hard } = a;
    // Often an insider on their own device: the hard variant uses the victim's usual IP and browser.
    const infra = hard ? { ip: victim.office.egressIps[0], ua: victim.desktop.browserUa, city: victim.office.city } : attackerInfra(r, victim, false);
    const t0 = localTime(r, victim, a.from, a.to, hard ? [13, 17] : [20, 23.5], hard);
    const count = hard ? r.int(5, 9) : r.int(25, 60);
    const domain = r.pick(EXFIL_DOMAINS);
    const drafts: Draft[] = hard ? [] : [at(victim, t0, 'login', infra, a.label)];
    let t = t0;
    for (let i = 0; i < count; i++) {
      t += hard ? r.exponential(20 * MINUTE) : r.exponential(30_000) + 2000;
      const file = anyTeamFile(r, a.ctx.seed, victim.team, a.ctx.hosts);
      drafts.push(at(victim, t, r.chance(0.2) ? 'file_share_anonymous' : 'file_share_external', infra, a.label, { ...file, external: true, name: `${file.name} → ${victim.email.split('@')[0].replace('.', '')}@${domain}` }));
    }
    return { phases: [drafts], description: `${count} files shared outside the tenant (${domain}) ${hard ? 'over an afternoon' : 'in a burst'}` };
  },

  inbox_forward_rule(a) {
    const { r, victim, hard } = a;
    const infra = attackerInfra(r, victim, hard);
    const t0 = localTime(r, victim, a.from, a.to, hard ? [9, 17] : [0, 6], hard);
    const target = `${r.pick(['invoices', 'accounts', 'archive', 'backup'])}.${r.int(10, 99)}@${r.pick(EXFIL_DOMAINS)}`;
    const drafts: Draft[] = [at(victim, t0, 'login', infra, a.label)];
    drafts.push(...followUp(a, t0, infra, hard ? 1 : r.int(4, 10), 90_000, ['mail_access']));
    const ruleAt = drafts[drafts.length - 1].time + r.uniform(1, 5) * MINUTE;
    drafts.push(at(victim, ruleAt, 'mail_forward_rule', infra, a.label, { type: 'mailbox', id: victim.email, name: `ForwardTo: ${target}`, external: true, bytes: null }));
    if (!hard) drafts.push(...followUp(a, ruleAt, infra, r.int(3, 8), 5 * MINUTE, ['mail_access']));
    return { phases: [drafts], description: `inbox rule forwarding ${victim.email} to ${target} from ${infra.ip} (${infra.city.name})` };
  },

  oauth_consent_phishing(a) {
    const { r, victim, hard } = a;
    const appName = r.pick(OAUTH_APPS);
    const appId = r.guid();
    // The consent is the victim's own click, from their usual place and browser.
    const here = whereIs(victim, a.from) ?? victim.office.city;
    const own = { ip: victim.office.egressIps[0], ua: victim.desktop.browserUa };
    const t0 = localTime(r, victim, a.from, a.to, [9, 17], true);
    const consent = at(victim, t0, 'oauth_consent', own, a.label, { type: 'app', id: appId, name: appName, external: true, bytes: null });
    const hostingCity = city(hard ? r.pick((SAME_COUNTRY[here.country] ?? [here.id]).filter((id) => city(id).hosting.length > 0).concat(['ashburn'])) : r.pick(FOREIGN_HOSTING));
    const app = { ip: r.pick(hostingCity.hosting.length ? hostingCity.hosting : hostingCity.isp), ua: hard ? 'Mozilla/5.0 (compatible; MSAL 1.0)' : 'python-requests/2.31.0' };
    const reads: Draft[] = [];
    let t = t0 + r.uniform(2, 30) * MINUTE;
    const count = hard ? r.int(6, 14) : r.int(60, 200);
    for (let i = 0; i < count; i++) {
      t += hard ? r.exponential(3 * HOUR) : r.exponential(20_000) + 500;
      reads.push({ ...at(victim, t, 'mail_access', app, a.label, mailbox(victim.email)), app: appName });
    }
    return { phases: [[consent], reads], description: `consent to "${appName}" (${appId}), then ${count} mailbox reads by the app from ${hostingCity.name}` };
  },

  privilege_escalation(a) {
    const { r, victim, hard } = a;
    const infra = attackerInfra(r, victim, hard);
    const t0 = localTime(r, victim, a.from, a.to, hard ? [10, 16] : [1, 5], hard);
    const drafts: Draft[] = [at(victim, t0, 'login', infra, a.label)];
    const role = hard ? 'Exchange Administrator' : 'Global Administrator';
    drafts.push(at(victim, t0 + r.uniform(2, 10) * MINUTE, 'role_assign', infra, a.label, { type: 'role', id: victim.email, name: role, external: false, bytes: null }));
    if (!hard) {
      const backdoor = `${r.pick(['helpdesk', 'support', 'admin'])}.${r.pick(['temp', 'svc', 'ops'])}${r.int(1, 99)}@${a.ctx.tenant.domain}`;
      const t1 = t0 + r.uniform(12, 25) * MINUTE;
      drafts.push(at(victim, t1, 'user_create', infra, a.label, { type: 'user', id: backdoor, name: null, external: false, bytes: null }));
      drafts.push(at(victim, t1 + r.uniform(1, 5) * MINUTE, 'role_assign', infra, a.label, { type: 'role', id: backdoor, name: 'Global Administrator', external: false, bytes: null }));
    }
    return { phases: [drafts], description: `${victim.email} granted itself ${role}${hard ? '' : ' and created a backdoor admin'} from ${infra.ip} (${infra.city.name})` };
  },

  dormant_account_revival(a) {
    const { r, victim, hard } = a;
    const infra = attackerInfra(r, victim, hard);
    if (hard) infra.ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36';
    const t0 = localTime(r, victim, a.from, a.to, hard ? [9, 17] : [0, 6], hard);
    const drafts: Draft[] = [at(victim, t0, 'login', infra, a.label)];
    drafts.push(...followUp(a, t0, infra, hard ? r.int(3, 8) : r.int(20, 50), hard ? 10 * MINUTE : MINUTE, ['mail_access', 'file_access', 'file_download']));
    return { phases: [drafts], description: `dormant account ${victim.email} signs in again from ${infra.ip} (${infra.city.name})` };
  },

  low_and_slow_exfiltration(a) {
    const { r, victim, hard } = a;
    const infra = hard ? { ip: victim.office.egressIps[0], ua: victim.desktop.browserUa, city: victim.office.city } : attackerInfra(r, victim, false, true);
    if (!hard) infra.ua = 'rclone/v1.65.0';
    const days = r.int(6, 9);
    const first = localTime(r, victim, a.from, a.to, hard ? [10, 16] : [22, 23.5], false);
    const phases: Draft[][] = [];
    let total = 0;
    for (let d = 0; d < days; d++) {
      const dayStart = first + d * DAY + r.uniform(-1, 1) * HOUR;
      const n = r.int(3, 8);
      const drafts: Draft[] = [];
      let t = dayStart;
      for (let i = 0; i < n; i++) {
        t += r.exponential(25 * MINUTE) + MINUTE;
        const file = anyTeamFile(r, a.ctx.seed, r.pick(['finance', 'legal', 'product', 'engineering']), a.ctx.hosts);
        drafts.push(at(victim, t, 'file_download', infra, a.label, { ...file, bytes: Math.round(r.uniform(5, 20) * 1_000_000) }));
      }
      total += n;
      phases.push(drafts);
    }
    return { phases, description: `${total} large downloads over ${days} days (${hard ? 'office hours, own device' : 'late evenings via rclone'})` };
  },
};
