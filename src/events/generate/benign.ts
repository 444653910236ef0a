/**
 * Normal behaviour: for one person and one local calendar day, plan the sessions
 * (desktop work at the office or at home, phone mail checks, evening and weekend
 * work, admin work, round-the-clock service jobs); each session makes its events
 * only when the simulation reaches it, so memory stays bounded.
 */
import type { Action } from '../activity.js';
import type { DeviceProfile } from './agents.js';
import type { CityEntry } from './cities.js';
import { BENIGN, type Draft, type Session } from './draft.js';
import { fileFor, mailbox, withExternal } from './objects.js';
import { mobileDevice, whereIs, type SimUser, type Tenant } from './population.js';
import { hashSeed, Rng } from './random.js';
import { HOUR, localMidnight, localWeekday } from './time.js';

export interface SimContext {
  seed: number;
  tenant: Tenant;
  hosts: { site: string; personal: string };
}

const MINUTE = 60_000;
/** Sessions never straddle a flight: events in one session share one location. */
const SESSION_SPAN = 2 * HOUR;

const WORK_MIX: ReadonlyArray<readonly [Action, number]> = [
  ['mail_access', 24], ['file_access', 24], ['file_modify', 11], ['file_download', 10], ['mail_send', 10],
  ['message_send', 8], ['file_upload', 5], ['file_share_internal', 4], ['file_delete', 1.5], ['file_sync', 1.2],
  ['file_share_external', 0.7], ['file_share_anonymous', 0.15],
];
const MOBILE_MIX: ReadonlyArray<readonly [Action, number]> = [
  ['mail_access', 70], ['mail_send', 12], ['message_send', 10], ['file_access', 8],
];
const ADMIN_MIX: ReadonlyArray<readonly [Action, number]> = [
  ['user_modify', 35], ['group_change', 30], ['password_reset', 15], ['user_create', 8], ['admin_setting_change', 6],
  ['role_assign', 4], ['mailbox_permission', 2],
];
const SERVICE_MIX: ReadonlyArray<readonly [Action, number]> = [
  ['file_access', 40], ['file_download', 25], ['file_upload', 25], ['mail_send', 10],
];

/** Plans one person's sessions for the local calendar day containing UTC day `utcDay` + 12 h. */
export function planUserDay(ctx: SimContext, u: SimUser, utcDay: number, nextSeq: () => number): Session[] {
  const r = new Rng(hashSeed(ctx.seed, `day:${u.index}:${utcDay}`));
  const out: Session[] = [];
  const add = (start: number, make: (rng: Rng) => Draft[]) => {
    if (start < u.activeFrom || start >= u.activeUntil) return;
    const seed = r.uint32();
    start = Math.round(start);
    out.push({ start, seq: nextSeq(), make: () => make(new Rng(seed)) });
  };

  if (u.persona === 'service') {
    for (let h = 0; h < 24; h++) {
      if (!r.chance(0.92)) continue;
      const t = Math.round(utcDay + h * HOUR + r.uniform(0, 50) * MINUTE);
      add(t, (rng) => serviceSession(ctx, u, rng, t));
    }
    return out;
  }

  const noonWhere = whereIs(u, utcDay + 12 * HOUR) ?? u.office.city;
  const tz = noonWhere.timeZone;
  const midnight = localMidnight(tz, utcDay);
  const weekday = localWeekday(tz, midnight + 12 * HOUR);
  const workday = weekday >= 1 && weekday <= 5;
  const atOffice = workday && noonWhere.id === u.office.city.id && midnight >= u.office.opensAt && r.chance(u.officeShare);
  const local = (hours: number) => midnight + hours * HOUR;

  const place = (t: number): { city: CityEntry; ip: string } | null => {
    const here = whereIs(u, t);
    const later = whereIs(u, t + SESSION_SPAN);
    if (!here || !later || here.id !== later.id) return null; // in the air or about to fly
    if (here.id !== u.office.city.id) return { city: here, ip: hotelIp(ctx.seed, u, here) };
    if (atOffice && t >= local(u.workStart - 1) && t <= local(u.workStart + u.workLength + 1)) return { city: here, ip: r.pick(u.office.egressIps) };
    if (u.vpnIps && r.chance(0.55)) return { city: here, ip: r.pick(u.vpnIps) };
    return { city: here, ip: u.homeIp };
  };

  const desktopAt = (t: number, weight: number, device: DeviceProfile) => {
    const p = place(t);
    if (p) add(t, (rng) => workSession(ctx, u, rng, t, p.ip, device, weight));
  };

  if (workday) {
    const sessions = Math.min(8, 1 + r.poisson(1.4 * u.rate));
    for (let i = 0; i < sessions; i++) desktopAt(local(u.workStart + r.uniform(0, Math.max(0.5, u.workLength - 1))), 1, u.desktop);
    if (r.chance(Math.min(0.6, 0.15 * u.rate))) desktopAt(local(r.uniform(19, 23)), 0.5, u.tablet && r.chance(0.5) ? u.tablet : u.desktop);
    if (u.persona === 'admin') {
      const n = 1 + r.poisson(1.5);
      for (let i = 0; i < n; i++) {
        const t = local(u.workStart + r.uniform(0.5, Math.max(1, u.workLength - 1)));
        const p = place(t);
        if (p) add(t, (rng) => adminSession(ctx, u, rng, t, p.ip));
      }
    }
  } else if (u.weekendWorker && r.chance(0.35)) {
    desktopAt(local(r.uniform(9, 21)), 0.4, u.desktop);
  }

  if (workday && u.devTool && r.chance(0.3)) {
    // A script run from the engineer's own desk: same place, a non-browser client.
    const t = local(u.workStart + r.uniform(1, Math.max(1.5, u.workLength - 1)));
    const p = place(t);
    if (p) add(t, (rng) => scriptSession(ctx, u, rng, t, p.ip, u.devTool!));
  }
  const changeAt = u.passwordChangeAt;
  if (changeAt !== null && changeAt >= midnight && changeAt < midnight + 24 * HOUR) {
    const p = place(changeAt);
    const phoneNow = mobileDevice(u, changeAt);
    if (p && phoneNow) add(changeAt, (rng) => passwordChangeSession(u, rng, changeAt, p.ip, phoneNow, r.pick(u.mobileIps)));
  }

  const phone = mobileDevice(u, midnight + 12 * HOUR);
  if (phone) {
    const n = r.poisson((workday ? 2.5 : 1.3) * Math.min(3, u.rate));
    for (let i = 0; i < n; i++) {
      const t = local(r.uniform(7, 22.5));
      const here = whereIs(u, t);
      if (!here || whereIs(u, t + SESSION_SPAN) !== here) continue;
      const ip = here.id !== u.office.city.id ? hotelIp(ctx.seed, u, here) : r.chance(0.6) ? r.pick(u.mobileIps) : r.chance(0.6) || !atOffice ? u.homeIp : r.pick(u.office.egressIps);
      add(t, (rng) => mobileSession(ctx, u, rng, t, ip, phone));
    }
  }
  return out;
}

/** A traveller's hotel/roaming address: stable for the person and the city. */
function hotelIp(seed: number, u: SimUser, c: CityEntry): string {
  return c.isp[hashSeed(seed, `hotel:${u.index}:${c.id}`) % c.isp.length];
}

function draft(u: SimUser, time: number, action: Action, ip: string, ua: string, object: Draft['object']): Draft {
  return { time, user: u.email, action, ip, ua, outcome: 'success', object, label: BENIGN };
}

export function objectFor(ctx: SimContext, rng: Rng, u: SimUser, action: Action): Draft['object'] {
  switch (action) {
    case 'mail_access':
    case 'mail_send':
      return mailbox(u.email);
    case 'message_send':
      return { type: 'channel', id: `${u.team}-general`, name: `${u.team} / General`, external: false, bytes: null };
    case 'file_share_external':
    case 'file_share_anonymous':
      return withExternal(fileFor(rng, ctx.seed, u, ctx.hosts), true);
    default:
      return fileFor(rng, ctx.seed, u, ctx.hosts);
  }
}

function loginDrafts(u: SimUser, rng: Rng, t: number, ip: string, ua: string): Draft[] {
  const out: Draft[] = [];
  let at = t;
  if (rng.chance(0.03)) {
    // A mistyped password, then the right one a few seconds later.
    out.push({ ...draft(u, at, 'login_failed', ip, ua, null), outcome: 'failure', failureReason: 'InvalidUserNameOrPassword' });
    at += Math.round(rng.uniform(8, 60) * 1000);
  }
  out.push(draft(u, at, 'login', ip, ua, null));
  return out;
}

function workSession(ctx: SimContext, u: SimUser, rng: Rng, start: number, ip: string, device: DeviceProfile, weight: number): Draft[] {
  const out: Draft[] = rng.chance(0.6) ? loginDrafts(u, rng, start, ip, device.browserUa) : [];
  const n = Math.min(150, Math.max(1, Math.floor(rng.pareto(2, 1.7) * u.rate * weight)));
  let t = start + rng.uniform(5, 60) * 1000;
  const end = start + SESSION_SPAN;
  for (let i = 0; i < n && t < end; i++) {
    const action = rng.weighted(WORK_MIX);
    const ua = (action === 'mail_access' || action === 'mail_send') && rng.chance(0.7) ? device.clientUa : device.browserUa;
    out.push(draft(u, Math.round(t), action, ip, ua, objectFor(ctx, rng, u, action)));
    t += rng.exponential(3.5 * MINUTE) + 2000;
  }
  return out;
}

function mobileSession(ctx: SimContext, u: SimUser, rng: Rng, start: number, ip: string, phone: DeviceProfile): Draft[] {
  const ua = rng.chance(0.75) ? phone.clientUa : phone.browserUa;
  const out: Draft[] = rng.chance(0.3) ? loginDrafts(u, rng, start, ip, ua) : [];
  const n = 1 + rng.poisson(2);
  let t = start + rng.uniform(2, 20) * 1000;
  for (let i = 0; i < n; i++) {
    const action = rng.weighted(MOBILE_MIX);
    out.push(draft(u, Math.round(t), action, ip, ua, objectFor(ctx, rng, u, action)));
    t += rng.exponential(1.5 * MINUTE) + 1000;
  }
  return out;
}

function adminSession(ctx: SimContext, u: SimUser, rng: Rng, start: number, ip: string): Draft[] {
  const users = ctx.tenant.users;
  const out: Draft[] = [];
  const n = 1 + rng.poisson(3);
  let t = start;
  for (let i = 0; i < n; i++) {
    const action = rng.weighted(ADMIN_MIX);
    const target = users[rng.int(0, users.length - 1)].email;
    let object: Draft['object'];
    if (action === 'role_assign') object = { type: 'role', id: target, name: rng.pick(['Helpdesk Administrator', 'User Administrator', 'Reports Reader', 'SharePoint Administrator']), external: false, bytes: null };
    else if (action === 'user_create') object = { type: 'user', id: `new.hire${rng.int(100, 999)}@${ctx.tenant.domain}`, name: null, external: false, bytes: null };
    else if (action === 'group_change') object = { type: 'group', id: `${rng.pick(['finance', 'sales', 'engineering', 'all-staff', 'vpn-users'])}@${ctx.tenant.domain}`, name: target, external: false, bytes: null };
    else if (action === 'admin_setting_change') object = { type: 'setting', id: rng.pick(['OrganizationConfig', 'SharingPolicy', 'MailboxAuditing']), name: null, external: false, bytes: null };
    else object = { type: 'user', id: target, name: null, external: false, bytes: null };
    out.push(draft(u, Math.round(t), action, ip, u.desktop.browserUa, object));
    t += rng.exponential(4 * MINUTE) + 5000;
  }
  return out;
}

/** A developer's script: a few API reads and downloads with a non-browser client. */
function scriptSession(ctx: SimContext, u: SimUser, rng: Rng, start: number, ip: string, ua: string): Draft[] {
  const out: Draft[] = [draft(u, start, 'login', ip, ua, null)];
  const n = 1 + rng.poisson(6);
  let t = start + 2000;
  for (let i = 0; i < n; i++) {
    const action = rng.weighted<Action>([['file_access', 5], ['file_download', 3], ['file_upload', 1]]);
    out.push(draft(u, Math.round(t), action, ip, ua, objectFor(ctx, rng, u, action)));
    t += rng.exponential(15_000) + 300;
  }
  return out;
}

/**
 * The user changes their password on the desktop; the phone's mail app keeps retrying
 * the old one for a while — a burst of failed sign-ins that looks like an attack and is not.
 */
function passwordChangeSession(u: SimUser, rng: Rng, start: number, ip: string, phone: DeviceProfile, phoneIp: string): Draft[] {
  const out: Draft[] = [draft(u, start, 'password_change', ip, u.desktop.browserUa, { type: 'user', id: u.email, name: null, external: false, bytes: null })];
  const failures = rng.int(4, 15);
  let t = start + rng.uniform(1, 10) * MINUTE;
  for (let i = 0; i < failures && t < start + SESSION_SPAN - 10 * MINUTE; i++) {
    out.push({ ...draft(u, Math.round(t), 'login_failed', phoneIp, phone.clientUa, null), outcome: 'failure', failureReason: 'InvalidUserNameOrPassword' });
    t += rng.exponential(6 * MINUTE) + 20_000;
  }
  out.push(draft(u, Math.round(t + rng.uniform(1, 5) * MINUTE), 'login', phoneIp, phone.clientUa, null));
  return out;
}

function serviceSession(ctx: SimContext, u: SimUser, rng: Rng, start: number): Draft[] {
  const ip = rng.pick(u.serviceIps!);
  const ua = u.scriptUa!;
  const out: Draft[] = rng.chance(0.3) ? [draft(u, start, 'login', ip, ua, null)] : [];
  const n = 1 + rng.poisson(4);
  let t = start + 1000;
  for (let i = 0; i < n; i++) {
    const action = rng.weighted(SERVICE_MIX);
    out.push(draft(u, Math.round(t), action, ip, ua, objectFor(ctx, rng, u, action)));
    t += rng.exponential(20_000) + 200;
  }
  return out;
}

