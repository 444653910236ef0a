/**
 * generateEvents: a seeded, streaming simulation of one tenant's SaaS activity with
 * labelled attack campaigns, yielded in ARRIVAL order (what a pipeline sees: a few
 * percent of events arrive up to 24 h late).
 *
 * How it stays bounded in memory: sessions are planned one local day at a time (a few
 * small objects per person), materialised only when the clock reaches them, and an
 * event is held in the arrival buffer only until every event that could arrive
 * before it has been made (its arrival ≤ the next session's start). Peak memory is
 * about one day of session plans plus ~24 h of late events.
 */
import type { Activity } from '../activity.js';
import { ACTIVITY_SCHEMA_VERSION } from '../activity.js';
import { createEnricher } from '../enrich/index.js';
import { planUserDay, type SimContext } from './benign.js';
import { planCampaigns, type Campaign } from './campaigns.js';
import { vendorName, type GenVendor } from './catalog.js';
import type { Draft, Session } from './draft.js';
import { MinHeap } from './heap.js';
import { buildTenant } from './population.js';
import { Rng } from './random.js';
import { DAY, HOUR } from './time.js';

export interface GenerateOptions {
  users: number;
  days: number;
  seed: number;
  /** Epoch ms of the first day (UTC midnight). Default 2026-01-05 (a Monday). */
  start?: number;
  tenant?: string;
  /** Share of events that arrive late (1 h to 24 h after they happened). Default 0.03. */
  lateShare?: number;
  /** Inject attack campaigns. Default true. */
  attacks?: boolean;
  /** Days of the training split (by event time). Default floor(days * 2/3). */
  trainDays?: number;
  /** Which vendor's vocabulary (app, operation names) the activities use. Default o365. */
  vendor?: GenVendor;
}

export interface GeneratedEvent {
  /** Enriched; `label` is set on every event ({malicious:false} for benign). */
  activity: Activity;
  /** When the event reaches the pipeline, epoch ms (≥ activity.time; ≤ 24 h later). */
  arrival: number;
  split: 'train' | 'test';
}

export interface ResolvedOptions extends Required<Omit<GenerateOptions, 'tenant'>> {
  tenant: string;
}

const MAX_LATE = 24 * HOUR;
/** Local days start up to 14 h before the UTC day (UTC+14): plan a day before the clock gets that close. */
const PLAN_AHEAD = 14 * HOUR;

export function resolveOptions(opts: GenerateOptions): ResolvedOptions {
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new RangeError(`generateEvents: ${what}`);
  };
  check(Number.isInteger(opts.users) && opts.users >= 1, `users must be a whole number ≥ 1, got ${opts.users}`);
  check(Number.isInteger(opts.days) && opts.days >= 1, `days must be a whole number ≥ 1, got ${opts.days}`);
  check(Number.isInteger(opts.seed), `seed must be a whole number, got ${opts.seed}`);
  const lateShare = opts.lateShare ?? 0.03;
  check(lateShare >= 0 && lateShare <= 1, `lateShare must be in [0, 1], got ${lateShare}`);
  const trainDays = opts.trainDays ?? Math.floor((opts.days * 2) / 3);
  check(Number.isInteger(trainDays) && trainDays >= 0 && trainDays <= opts.days, `trainDays must be in [0, days], got ${trainDays}`);
  return {
    users: opts.users,
    days: opts.days,
    seed: opts.seed >>> 0,
    start: opts.start ?? Date.UTC(2026, 0, 5),
    tenant: opts.tenant ?? 'contoso',
    lateShare,
    attacks: opts.attacks ?? true,
    trainDays,
    vendor: opts.vendor ?? 'o365',
  };
}

/** The world both generateEvents and campaignsOf see: same seed → same tenant, same campaigns. */
function simulate(o: ResolvedOptions) {
  const root = new Rng(o.seed);
  const tenant = buildTenant(root.fork('tenant'), o.users, o.start, o.days, o.tenant);
  const slug = o.tenant.toLowerCase().replace(/[^a-z0-9]+/g, '');
  const ctx: SimContext = { seed: o.seed, tenant, hosts: { site: `${slug}.sharepoint.com`, personal: `${slug}-my.sharepoint.com` } };
  const end = o.start + o.days * DAY;
  const campaigns = o.attacks ? planCampaigns(root.fork('campaigns'), ctx, { start: o.start, end, trainEnd: o.start + o.trainDays * DAY }) : [];
  return { root, tenant, ctx, end, campaigns };
}

export function campaignsOf(opts: GenerateOptions): Campaign[] {
  return simulate(resolveOptions(opts)).campaigns.map((p) => p.campaign);
}

export function generateEvents(opts: GenerateOptions): Iterable<GeneratedEvent> {
  return streamEvents(resolveOptions(opts));
}

/** Sizes of the two re-ordering buffers, reported after each session (tests check memory stays bounded). */
export type BufferProbe = (plannedSessions: number, bufferedEvents: number) => void;

export function* streamEvents(o: ResolvedOptions, probe?: BufferProbe): Generator<GeneratedEvent> {
  const { root, tenant, ctx, end, campaigns } = simulate(o);
  const enricher = createEnricher();
  const trainEnd = o.start + o.trainDays * DAY;
  const ids = root.fork('ids');
  const delays = root.fork('arrival');

  let seq = 0;
  const nextSeq = () => seq++;
  const sessions = new MinHeap<Session>((a, b) => a.start < b.start || (a.start === b.start && a.seq < b.seq));
  const arrivals = new MinHeap<GeneratedEvent & { seq: number }>((a, b) => a.arrival < b.arrival || (a.arrival === b.arrival && a.seq < b.seq));

  for (const planned of campaigns) {
    for (const phase of planned.phases) sessions.push({ start: phase[0].time, seq: nextSeq(), make: () => phase });
  }

  const toActivity = (d: Draft): Activity => {
    const names = vendorName(o.vendor, d.action);
    const a: Activity = {
      schemaVersion: ACTIVITY_SCHEMA_VERSION,
      id: ids.guid(),
      // Whole seconds: that is all the O365 audit log keeps, so vendor output round-trips exactly.
      time: Math.floor(d.time / 1000) * 1000,
      vendor: o.vendor,
      tenant: o.tenant,
      user: d.user,
      // An OAuth client acting on a user's data is the app in Microsoft's vocabulary; Google logs it under the API's application.
      app: o.vendor === 'o365' ? (d.app ?? names.app) : names.app,
      action: d.action,
      rawAction: names.raw,
      outcome: d.outcome,
      failureReason: d.failureReason ?? null,
      ip: d.ip,
      geo: null,
      asn: null,
      asnOrg: null,
      userAgent: d.ua,
      device: null,
      object: d.object,
      // A copy per event: consumers may annotate labels without touching their neighbours.
      label: { ...d.label },
    };
    return enricher.enrich(a);
  };

  const arrivalOf = (time: number): number => {
    if (delays.chance(o.lateShare)) return time + Math.round(delays.uniform(HOUR, MAX_LATE));
    // Normal ingestion lag: seconds to a few minutes.
    return time + Math.round(Math.min(15 * 60_000, delays.exponential(45_000)));
  };

  let nextDay = 0;
  for (;;) {
    const top = sessions.peek();
    if (nextDay < o.days && (!top || top.start >= o.start + nextDay * DAY - PLAN_AHEAD)) {
      const utcDay = o.start + nextDay * DAY;
      for (const u of tenant.users) for (const s of planUserDay(ctx, u, utcDay, nextSeq)) sessions.push(s);
      nextDay++;
      continue;
    }
    if (!top) break;
    sessions.pop();
    probe?.(sessions.size, arrivals.size);
    // Everything arriving before this session starts is final: later events happen (and so arrive) after it
    // (less one second, because event times are cut to whole seconds).
    while (arrivals.size > 0 && arrivals.peek()!.arrival < top.start - 1000) yield strip(arrivals.pop()!);
    for (const d of top.make()) {
      if (d.time < o.start || d.time >= end) continue;
      const activity = toActivity(d);
      arrivals.push({ activity, arrival: arrivalOf(activity.time), split: activity.time < trainEnd ? 'train' : 'test', seq: nextSeq() });
    }
  }
  while (arrivals.size > 0) yield strip(arrivals.pop()!);
}

function strip(e: GeneratedEvent & { seq: number }): GeneratedEvent {
  return { activity: e.activity, arrival: e.arrival, split: e.split };
}
