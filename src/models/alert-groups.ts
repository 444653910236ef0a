/**
 * Alert grouping: one alert per user and kind of anomaly per window (default 24 h of
 * event time), the way SOC tools group alerts by entity.
 *
 * Why: an anomaly rarely comes alone. A user on a trip signs in, reads mail and opens
 * files from the new city all day; a mass download is hundreds of events. Scored one by
 * one, every one of them is above the threshold — measured on the generated tenant,
 * 467 alerting events came from 37 distinct (user, anomaly) incidents, and the repeats
 * crowded the analyst's queue so that quieter campaigns fell out of it. Grouped, the
 * first event opens the alert and the rest point at it (`groupedInto`): still scored,
 * still held out of the profiles (learn-hold.ts), still on the scores topic, but not a
 * new alert.
 *
 * The kind is the alert's top reason feature: a new kind of anomaly for the same user
 * (a forwarding rule after an unusual sign-in) is a new alert, not a footnote to the
 * first. A group is anchored at its first event, so a campaign that lasts three days
 * raises one alert a day, not one for ever.
 *
 * The open groups live in the pipeline's memory (bounded, oldest dropped first), like
 * the hold queue: a restart may alert once more for an incident already open.
 */
export const DEFAULT_ALERT_GROUP_MS = 24 * 3_600_000;
const DEFAULT_MAX_OPEN = 200_000;

export interface AlertGroupOptions {
  /** Event-time window of a group, ms from its first event; 0 turns grouping off. */
  windowMs?: number;
  /** Open groups kept (default 200 000); beyond it the oldest opened is forgotten. */
  maxOpen?: number;
}

export class AlertGrouper {
  readonly windowMs: number;
  private readonly maxOpen: number;
  private readonly open = new Map<string, { id: string; time: number }>();
  /** Alerts opened and events folded into an open alert, since start. */
  readonly stats = { opened: 0, grouped: 0 };

  constructor(opts: AlertGroupOptions = {}) {
    this.windowMs = opts.windowMs ?? DEFAULT_ALERT_GROUP_MS;
    this.maxOpen = opts.maxOpen ?? DEFAULT_MAX_OPEN;
    if (!(this.windowMs >= 0 && Number.isFinite(this.windowMs))) throw new RangeError(`alert group window must be ≥ 0 ms, got ${this.windowMs}`);
  }

  /**
   * For an event at or above the alert threshold: `undefined` when it opens a new alert,
   * else the event id of the open alert it belongs to.
   */
  assign(user: string, kind: string, eventId: string, time: number): string | undefined {
    if (this.windowMs === 0) {
      this.stats.opened++;
      return undefined;
    }
    const key = `${user}\u0000${kind}`;
    const group = this.open.get(key);
    // Late events (up to the lateness bound) may be older than the group's first event.
    if (group && Math.abs(time - group.time) < this.windowMs) {
      this.stats.grouped++;
      return group.id;
    }
    this.open.delete(key); // re-insert so Map order stays "oldest opened first"
    this.open.set(key, { id: eventId, time });
    if (this.open.size > this.maxOpen) this.open.delete(this.open.keys().next().value as string);
    this.stats.opened++;
    return undefined;
  }

  get openGroups(): number {
    return this.open.size;
  }
}

/** The grouping key's "kind" for a score: its top reason feature, else one kind per user. */
export function alertKind(reasons: readonly { feature: string }[] | undefined): string {
  return reasons?.[0]?.feature ?? 'score';
}

/**
 * Groups the alerts of a finished score stream (in arrival order) — for scores made
 * without grouping, such as a baseline's — marking repeats `alert: false` with `groupedInto`.
 */
export function groupAlerts<T extends { eventId: string; user: string; time: number; alert: boolean; reasons?: readonly { feature: string }[]; groupedInto?: string }>(scores: T[], opts: AlertGroupOptions = {}): T[] {
  const grouper = new AlertGrouper(opts);
  for (const s of scores) {
    if (!s.alert) continue;
    const into = grouper.assign(s.user, alertKind(s.reasons), s.eventId, s.time);
    if (into !== undefined) {
      s.alert = false;
      s.groupedInto = into;
    }
  }
  return scores;
}
