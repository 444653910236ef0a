/**
 * Entra ID (Azure AD) sign-in and audit logs in their three shapes: Microsoft Graph
 * (`signIns`, `directoryAudits`), diagnostic settings (`{time, category, operationName,
 * properties}` in Event Hubs / storage exports) and Sentinel's `SigninLogs` / `AuditLogs`
 * tables (PascalCase keys, nested objects stored as JSON strings).
 */
import type { Action } from '../../activity.js';
import { vendorDevice, type Draft } from '../build.js';
import { field, first, isRec, list, nameValue, path, rec, str, type Rec } from '../fields.js';
import { DIRECTORY_ACTIONS, directoryKey } from './directory.js';

/** Sign-in error codes that mean "a second factor was asked for / failed" rather than a bad password. */
const MFA_INTERRUPTS = new Set([50072, 50074, 50076, 50079, 50158, 50125]);
const MFA_FAILURES = new Set([500121, 50088]);

export function isSignIn(r: Rec): boolean {
  return first(r, ['userPrincipalName', 'servicePrincipalName', 'servicePrincipalId']) !== undefined && first(r, ['createdDateTime', 'appDisplayName', 'appId']) !== undefined;
}

function signInCode(r: Rec, outer: Rec | null): number {
  const raw = path(r, 'status', 'errorCode') ?? rec(field(r, 'status'))?.errorCode ?? field(r, 'ResultType') ?? (outer ? field(outer, 'resultType') : undefined);
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw !== '' ? Number(raw) : 0;
  return Number.isFinite(n) ? n : 0;
}

function normalizeSignIn(p: Rec, outer: Rec | null): Draft {
  const code = signInCode(p, outer);
  const action: Action = code === 0 ? 'login' : MFA_INTERRUPTS.has(code) ? 'mfa_challenge' : MFA_FAILURES.has(code) ? 'mfa_failed' : 'login_failed';
  const status = rec(field(p, 'status'));
  const failureReason = code === 0 ? null : str(status ? first(status, ['failureReason', 'additionalDetails']) : undefined) ?? str(field(p, 'ResultDescription')) ?? (outer ? str(field(outer, 'resultDescription')) : null) ?? String(code);
  const device = rec(field(p, 'deviceDetail'));
  const category = outer ? str(field(outer, 'category')) : str(field(p, 'Type'));
  return {
    id: str(first(p, ['id', 'Id'])),
    time: first(p, ['createdDateTime', 'TimeGenerated']) ?? (outer ? field(outer, 'time') : undefined),
    tenant: str(first(p, ['tenantId', 'AADTenantId', 'homeTenantId'])) ?? (outer ? str(field(outer, 'tenantId')) : null),
    user: first(p, ['userPrincipalName', 'servicePrincipalName', 'servicePrincipalId', 'userId']),
    app: str(first(p, ['appDisplayName', 'appId', 'resourceDisplayName'])),
    action,
    // Sign-ins have no operation name; the category tells interactive from non-interactive and service principals.
    rawAction: category ?? 'Sign-in activity',
    outcome: code === 0 ? 'success' : 'failure',
    failureReason,
    ip: first(p, ['ipAddress', 'IPAddress']) ?? (outer ? field(outer, 'callerIpAddress') : undefined),
    userAgent: str(field(p, 'userAgent')),
    device: device ? vendorDevice(str(field(device, 'deviceId')), str(field(device, 'operatingSystem')), str(field(device, 'browser'))) : null,
    object: null,
  };
}

function normalizeAudit(p: Rec, outer: Rec | null): Draft {
  const name = str(first(p, ['activityDisplayName', 'operationName'])) ?? (outer ? str(field(outer, 'operationName')) : null) ?? '';
  const by = rec(field(p, 'initiatedBy'));
  const byUser = by ? rec(field(by, 'user')) : null;
  const byApp = by ? rec(field(by, 'app')) : null;
  const result = str(field(p, 'result')) ?? (outer ? str(first(outer, ['resultType', 'result'])) : null);
  const resultLower = result?.toLowerCase() ?? '';
  const outcome: Draft['outcome'] = resultLower === 'success' ? 'success' : resultLower === 'failure' || resultLower === 'timeout' ? 'failure' : 'unknown';
  const targets = list(field(p, 'targetResources'));
  const target = isRec(targets[0]) ? targets[0] : null;
  return {
    id: str(first(p, ['id', 'Id'])) ?? (outer ? str(field(outer, 'correlationId')) : null),
    time: first(p, ['activityDateTime', 'TimeGenerated']) ?? (outer ? field(outer, 'time') : undefined),
    tenant: str(first(p, ['tenantId', 'AADTenantId', 'TenantId'])) ?? (outer ? str(field(outer, 'tenantId')) : null),
    user: (byUser ? first(byUser, ['userPrincipalName', 'id']) : undefined) ?? (byApp ? first(byApp, ['servicePrincipalName', 'displayName', 'appId']) : undefined) ?? field(p, 'Identity'),
    app: str(field(p, 'loggedByService')),
    action: DIRECTORY_ACTIONS.get(directoryKey(name)) ?? (outer ? DIRECTORY_ACTIONS.get(directoryKey(str(field(outer, 'operationName')) ?? '')) : undefined) ?? 'other',
    rawAction: name,
    outcome,
    failureReason: outcome === 'failure' ? str(field(p, 'resultReason')) ?? result : null,
    ip: (byUser ? field(byUser, 'ipAddress') : undefined) ?? (outer ? field(outer, 'callerIpAddress') : undefined) ?? nameValue(field(p, 'additionalDetails'), 'ipaddr'),
    userAgent: str(field(p, 'UserAgent')) ?? str(nameValue(field(p, 'additionalDetails'), 'User-Agent')),
    device: null,
    object: target ? {
      type: str(field(target, 'type'))?.toLowerCase() ?? null,
      id: str(first(target, ['id'])),
      name: str(first(target, ['userPrincipalName', 'displayName'])),
      external: false,
      bytes: null,
    } : null,
  };
}

/** Diagnostic-settings categories whose `properties` is a sign-in. */
const SIGNIN_CATEGORY = /signin/i;

export function normalizeEntra(r: Rec): Draft {
  const props = rec(field(r, 'properties'));
  if (props && str(field(r, 'category')) !== null) {
    return SIGNIN_CATEGORY.test(str(field(r, 'category'))!) || isSignIn(props) ? normalizeSignIn(props, r) : normalizeAudit(props, r);
  }
  return isSignIn(r) || /signin/i.test(str(field(r, 'Type')) ?? '') ? normalizeSignIn(r, null) : normalizeAudit(r, null);
}
