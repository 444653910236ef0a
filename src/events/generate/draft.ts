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

/** Shared by benign drafts; generateEvents copies it into each Activity. */
export const BENIGN: Readonly<Label> = Object.freeze({ malicious: false });
