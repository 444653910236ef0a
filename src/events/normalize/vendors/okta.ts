/**
 * Okta System Log (`/api/v1/logs`): `{uuid, published, eventType, actor: {alternateId,
 * type}, client: {ipAddress, userAgent: {rawUserAgent, os, browser}, device}, outcome:
 * {result, reason}, target[], securityContext, debugContext}`.
 */
import type { Action } from '../../activity.js';
import { vendorDevice, type Draft } from '../build.js';
import { field, first, isRec, list, path, str, type Rec } from '../fields.js';

export const OKTA_ACTIONS: ReadonlyMap<string, Action> = new Map<string, Action>([
  ['user.session.start', 'login'],
  ['user.authentication.sso', 'login'],
  ['user.authentication.authenticate', 'login'],
  ['user.authentication.verify', 'login'],
  ['user.authentication.auth_via_mfa', 'mfa_challenge'],
  ['user.authentication.auth_via_idp', 'login'],
  ['user.mfa.okta_verify.deny_push', 'mfa_failed'],
  ['system.push.send_factor_verify_push', 'mfa_challenge'],
  ['user.authentication.auth_via_richclient', 'login'],
  ['user.mfa.attempt_bypass', 'mfa_failed'],
  ['user.session.end', 'logout'],
  ['user.session.clear', 'session_revoke'],
  ['user.account.update_password', 'password_change'],
  ['user.account.reset_password', 'password_reset'],
  ['user.credential.forgot_password', 'password_reset'],
  ['user.mfa.factor.activate', 'mfa_change'],
  ['user.mfa.factor.deactivate', 'mfa_change'],
  ['user.mfa.factor.reset_all', 'mfa_change'],
  ['user.mfa.factor.update', 'mfa_change'],
  ['system.mfa.factor.deactivate', 'mfa_change'],
  ['user.lifecycle.create', 'user_create'],
  ['user.lifecycle.delete.initiated', 'user_delete'],
  ['user.lifecycle.deactivate', 'user_disable'],
  ['user.lifecycle.suspend', 'user_disable'],
  ['user.lifecycle.activate', 'user_enable'],
  ['user.lifecycle.reactivate', 'user_enable'],
  ['user.lifecycle.unsuspend', 'user_enable'],
  ['user.account.privilege.grant', 'role_assign'],
  ['group.privilege.grant', 'role_assign'],
  ['user.account.privilege.revoke', 'role_remove'],
  ['group.privilege.revoke', 'role_remove'],
  ['group.user_membership.add', 'group_change'],
  ['group.user_membership.remove', 'group_change'],
  ['app.oauth2.as.consent.grant', 'oauth_consent'],
  ['app.oauth2.consent.grant', 'oauth_consent'],
  ['application.lifecycle.create', 'app_create'],
  ['application.user_membership.add', 'group_change'],
  ['system.api_token.create', 'token_create'],
  ['app.oauth2.client.secret.create', 'app_credential_add'],
  ['system.idp.lifecycle.create', 'admin_setting_change'],
  ['system.idp.lifecycle.update', 'admin_setting_change'],
  ['system.log_stream.lifecycle.deactivate', 'logging_disable'],
  ['system.log_stream.lifecycle.delete', 'logging_disable'],
  ['application.policy.sign_on.deny_access', 'login_failed'],
  ['user.session.impersonation.initiate', 'role_assign'],
  ['user.session.access_admin_app', 'login'],
]);

/** A failed login / MFA is its own action: features count failures apart from successes. */
const ON_FAILURE: Partial<Record<Action, Action>> = { login: 'login_failed', mfa_challenge: 'mfa_failed' };

/** Okta writes "UNKNOWN" when it could not tell; that is no information. */
function known(v: unknown): string | null {
  const s = str(v);
  return s === null || s.toUpperCase() === 'UNKNOWN' ? null : s;
}

export function normalizeOkta(r: Rec): Draft {
  const name = str(field(r, 'eventType')) ?? '';
  const result = str(path(r, 'outcome', 'result'))?.toUpperCase() ?? null;
  const failed = result === 'FAILURE' || result === 'DENY';
  let action = OKTA_ACTIONS.get(name) ?? (name.startsWith('policy.') ? 'admin_setting_change' : 'other');
  if (failed) action = ON_FAILURE[action] ?? action;
  const ua = path(r, 'client', 'userAgent');
  const targets = list(field(r, 'target')).filter(isRec);
  const target = targets[0];
  const app = targets.find((t) => str(field(t, 'type')) === 'AppInstance');
  return {
    id: str(field(r, 'uuid')),
    time: field(r, 'published'),
    tenant: null,
    user: path(r, 'actor', 'alternateId') ?? path(r, 'actor', 'id'),
    app: (app ? str(field(app, 'displayName')) : null) ?? 'okta',
    action,
    rawAction: name,
    outcome: result === null ? 'unknown' : result === 'SUCCESS' || result === 'ALLOW' ? 'success' : failed ? 'failure' : 'unknown',
    failureReason: failed ? str(path(r, 'outcome', 'reason')) ?? result : null,
    ip: path(r, 'client', 'ipAddress'),
    userAgent: isRec(ua) ? str(field(ua, 'rawUserAgent')) : null,
    device: isRec(ua) ? vendorDevice(null, known(field(ua, 'os')), known(field(ua, 'browser'))) : null,
    object: target ? {
      type: str(field(target, 'type'))?.toLowerCase() ?? null,
      id: str(field(target, 'id')),
      name: str(first(target, ['alternateId', 'displayName'])),
      external: false,
      bytes: null,
    } : null,
  };
}
