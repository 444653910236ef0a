/**
 * GitHub organisation / enterprise audit log (REST `GET /orgs/{org}/audit-log`, streaming
 * and JSON exports): `{action, actor, @timestamp | created_at (epoch ms), org | business,
 * actor_ip, _document_id, repo, user_agent}`. Panther renames `@timestamp` to
 * `at_sign_timestamp`.
 */
import type { Action } from '../../activity.js';
import type { Draft } from '../build.js';
import { field, first, str, type Rec } from '../fields.js';

export const GITHUB_ACTIONS: ReadonlyMap<string, Action> = new Map<string, Action>([
  ['user.login', 'login'],
  ['user.failed_login', 'login_failed'],
  ['user.logout', 'logout'],
  ['two_factor_authentication.enabled', 'mfa_change'],
  ['two_factor_authentication.disabled', 'mfa_change'],
  ['org.disable_two_factor_requirement', 'mfa_change'],
  ['org.enable_two_factor_requirement', 'mfa_change'],
  ['git.clone', 'repo_clone'],
  ['git.fetch', 'repo_clone'],
  ['repo.download_zip', 'repo_clone'],
  ['git.push', 'file_modify'],
  ['repo.access', 'repo_visibility_change'],
  ['repo.create', 'resource_create'],
  ['repo.destroy', 'resource_delete'],
  ['repo.archived', 'resource_modify'],
  ['repo.transfer', 'repo_visibility_change'],
  ['repo.add_member', 'group_change'],
  ['repo.remove_member', 'group_change'],
  ['private_repository_forking.enable', 'repo_visibility_change'],
  ['org.add_member', 'user_create'],
  ['org.invite_member', 'user_create'],
  ['invite_member', 'user_create'],
  ['org.remove_member', 'user_delete'],
  ['org.update_member', 'role_assign'],
  ['org.add_billing_manager', 'role_assign'],
  ['business.add_admin', 'role_assign'],
  ['business.remove_admin', 'role_remove'],
  ['team.add_member', 'group_change'],
  ['team.remove_member', 'group_change'],
  ['team.add_repository', 'group_change'],
  ['personal_access_token.request_created', 'token_create'],
  ['personal_access_token.access_granted', 'token_create'],
  ['oauth_access.create', 'token_create'],
  ['oauth_authorization.create', 'oauth_consent'],
  ['integration_installation.create', 'oauth_consent'],
  ['oauth_application.create', 'app_create'],
  ['integration.create', 'app_create'],
  ['public_key.create', 'app_credential_add'],
  ['deploy_key.create', 'app_credential_add'],
  ['org.add_self_hosted_runner', 'resource_create'],
  ['hook.create', 'admin_setting_change'],
  ['protected_branch.destroy', 'admin_setting_change'],
  ['protected_branch.policy_override', 'admin_setting_change'],
  ['protected_branch.update_allow_force_pushes_enforcement_level', 'admin_setting_change'],
  ['secret_scanning.disable', 'admin_setting_change'],
  ['secret_scanning_push_protection.disable', 'admin_setting_change'],
  ['dependabot_alerts.disable', 'admin_setting_change'],
  ['business_advanced_security.disabled', 'admin_setting_change'],
  ['repository_vulnerability_alert.dismiss', 'admin_setting_change'],
  ['org.update_default_repository_permission', 'admin_setting_change'],
  ['org.audit_log_export', 'data_export'],
  ['business.audit_log_export', 'data_export'],
  ['org.audit_log_streaming_destroy', 'logging_disable'],
  ['audit_log_streaming.destroy', 'logging_disable'],
]);

export function normalizeGithub(r: Rec): Draft {
  const name = str(field(r, 'action')) ?? '';
  const repo = str(first(r, ['repo', 'repository']));
  const visibility = str(field(r, 'visibility'));
  // Turning a security control off ("…secret_scanning_push_protection.disable") is an admin change.
  const action = GITHUB_ACTIONS.get(name) ?? (/(secret_scanning|security|dependabot|two_factor|protected_branch|ruleset).*\.(disable|disabled|destroy)$/.test(name) ? 'admin_setting_change' : 'other');
  return {
    id: str(field(r, '_document_id')),
    time: first(r, ['@timestamp', 'at_sign_timestamp', 'created_at', 'timestamp']),
    tenant: str(first(r, ['org', 'business'])),
    user: field(r, 'actor'),
    app: str(first(r, ['programmatic_access_type', 'integration'])) ?? 'github',
    action,
    rawAction: name,
    outcome: 'success',
    failureReason: null,
    ip: field(r, 'actor_ip'),
    userAgent: str(field(r, 'user_agent')),
    device: null,
    // A repository made public exposes everything in it: `external` marks that.
    object: repo !== null ? { type: 'repo', id: repo, name: repo, external: visibility === 'public', bytes: null }
      : str(field(r, 'user')) !== null ? { type: 'user', id: str(field(r, 'user')), name: str(field(r, 'user')), external: false, bytes: null } : null,
  };
}
