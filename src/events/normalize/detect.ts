/**
 * Which vendor wrote a record, from the keys that only that vendor's format has. Runs per
 * record on the hot path, so it is a handful of property lookups, most specific first,
 * and never looks at `p_*` (Panther's own) keys. Keys are matched exactly or lower-cased
 * (see fields.ts); the caller retries with a lower-cased copy for other casings.
 */
import { field, isRec, type Rec } from './fields.js';
import type { SourceFormat } from './types.js';

function has(r: Rec, key: string): boolean {
  const v = field(r, key);
  return v !== undefined && v !== null;
}

export function detectFormat(r: Rec): SourceFormat | null {
  if (r.schemaVersion !== undefined && r.rawAction !== undefined && r.vendor !== undefined) return 'activity';
  if (typeof field(r, 'eventName') === 'string' && has(r, 'eventSource')) return 'cloudtrail';
  if (has(r, 'Operation') && (has(r, 'Workload') || has(r, 'OfficeWorkload') || has(r, 'RecordType') || has(r, 'CreationTime'))) return 'o365';
  if (has(r, 'category') && has(r, 'operationName') && isRec(field(r, 'properties'))) return 'entra';
  if (has(r, 'userPrincipalName') && has(r, 'createdDateTime') && (has(r, 'appDisplayName') || has(r, 'appId'))) return 'entra';
  if (has(r, 'activityDisplayName') && has(r, 'initiatedBy')) return 'entra';
  // Sentinel / Log Analytics rows name their table.
  const table = field(r, 'Type');
  if (typeof table === 'string') {
    if (table === 'OfficeActivity') return 'o365';
    if (table === 'AuditLogs' || table.endsWith('SignInLogs') || table === 'SigninLogs') return 'entra';
  }
  if (field(r, 'kind') === 'admin#reports#activity') return 'gworkspace';
  const id = field(r, 'id');
  if (isRec(id) && has(id, 'applicationName')) return 'gworkspace';
  if (has(r, 'eventType') && (has(r, 'published') || has(r, 'legacyEventType') || has(r, 'severity') || isRec(field(r, 'actor')))) return 'okta';
  const action = field(r, 'action');
  if (typeof action === 'string') {
    const actor = field(r, 'actor');
    if (isRec(actor) && (has(r, 'date_create') || has(r, 'context') || has(r, 'entity'))) return 'slack';
    if (typeof actor === 'string' || has(r, '@timestamp') || has(r, 'at_sign_timestamp') || has(r, 'created_at') || has(r, '_document_id') || has(r, 'org') || has(r, 'business')) return 'github';
  }
  if (isRec(field(r, 'event_type')) && (has(r, 'timestamp') || has(r, 'event_category') || isRec(field(r, 'actor')))) return 'dropbox';
  return null;
}
