/** An event as the simulation produces it, before it becomes an enriched Activity. */
import type { Action, Label, ObjectRef } from '../activity.js';

export interface Draft {
  time: number;
  user: string;
  action: Action;
  ip: string;
  ua: string;
  outcome: 'success' | 'failure';
  failureReason?: string;
  object: ObjectRef | null;
  /** Overrides the vendor's app name (e.g. the OAuth client that read the mail). */
  app?: string;
  label: Label;
}

/** A burst of one actor's events; its drafts are made only when the simulation reaches `start`. */
export interface Session {
  start: number;
  seq: number;
  make(): Draft[];
}

export const BENIGN: Label = Object.freeze({ malicious: false }) as Label;
