/**
 * Slack Audit Logs API (`GET /audit/v1/logs`) entries: `{id, date_create (epoch s),
 * action, actor: {type, user: {id, name, email}}, entity: {type, <type>: {...}},
 * context: {location: {type, id}, ua, ip_address, session_id}}`.
 */
import type { Action } from '../../activity.js';
import type { Draft } from '../build.js';
import { field, first, isRec, path, str, type Rec } from '../fields.js';

export const SLACK_ACTIONS: ReadonlyMap<string, Action> = new Map<string, Action>([
  ['user_login', 'login'],
  ['user_login_failed', 'login_failed'],
  ['user_logout', 'logout'],
  ['user_session_invalidated', 'session_revoke'],
  ['user_session_reset_by_admin', 'session_revoke'],
  ['user_created', 'user_create'],
  ['guest_created', 'user_create'],
  ['user_deactivated', 'user_disable'],
  ['guest_deactivated', 'user_disable'],
  ['user_reactivated', 'user_enable'],
  ['user_email_updated', 'user_modify'],
  ['role_change_to_admin', 'role_assign'],
  ['role_change_to_owner', 'role_assign'],
  ['role_change_to_user', 'role_remove'],
  ['role_change_to_guest', 'role_remove'],
  ['file_downloaded', 'file_download'],
  ['file_downloaded_blocked', 'file_download'],
  ['file_uploaded', 'file_upload'],
  ['file_public_link_created', 'file_share_anonymous'],
  ['file_shared', 'file_share_internal'],
  ['app_installed', 'oauth_consent'],
  ['app_approved', 'oauth_consent'],
  ['app_scopes_expanded', 'oauth_consent'],
  ['app_resources_added', 'oauth_consent'],
  ['bot_token_upgraded', 'token_create'],
  ['app_token_preserved', 'token_create'],
  ['public_channel_created', 'channel_change'],
  ['private_channel_created', 'channel_change'],
  ['channel_deleted', 'channel_change'],
  ['channel_archive', 'channel_change'],
  ['user_channel_join', 'channel_change'],
  ['channel_moved', 'channel_change'],
  ['channel_workspaces_updated', 'channel_change'],
  ['shared_channel_invite_sent', 'file_share_external'],
  ['external_shared_channel_connected', 'file_share_external'],
  ['manual_export_started', 'data_export'],
  ['scheduled_export_started', 'data_export'],
  ['corporate_exports_approved', 'data_export'],
  ['corporate_exports_enabled', 'data_export'],
  ['manual_export_downloaded', 'data_export'],
  ['legal_hold_policy_entities_deleted', 'logging_disable'],
  ['audit_logs_export_disabled', 'logging_disable'],
  ['ekm_logging_config_set', 'logging_disable'],
  ['emoji_added', 'other'],
]);

export function normalizeSlack(r: Rec): Draft {
  const name = str(field(r, 'action')) ?? '';
  const actorUser = path(r, 'actor', 'user');
  const entity = field(r, 'entity');
  const entityType = isRec(entity) ? str(field(entity, 'type')) : null;
  const target = isRec(entity) && entityType !== null ? field(entity, entityType) : undefined;
  // Preferences ("pref.sso_setting_changed", "pref.two_factor_auth_changed") are admin settings.
  const action = SLACK_ACTIONS.get(name) ?? (name.startsWith('pref.') ? (name.includes('two_factor') ? 'mfa_change' : 'admin_setting_change') : 'other');
  return {
    id: str(field(r, 'id')),
    time: field(r, 'date_create'),
    tenant: str(path(r, 'context', 'location', 'id')),
    user: isRec(actorUser) ? first(actorUser, ['email', 'id', 'name']) : undefined,
    app: str(path(r, 'context', 'location', 'domain')) ?? 'slack',
    action,
    rawAction: name,
    outcome: name.endsWith('_failed') || name.endsWith('_blocked') ? 'failure' : 'success',
    failureReason: name.endsWith('_failed') || name.endsWith('_blocked') ? name : null,
    ip: path(r, 'context', 'ip_address'),
    userAgent: str(path(r, 'context', 'ua')),
    device: null,
    object: isRec(target) ? {
      type: entityType,
      id: str(field(target, 'id')),
      name: str(first(target, ['name', 'title', 'email'])),
      external: action === 'file_share_external' || action === 'file_share_anonymous' || field(target, 'is_shared') === true,
      bytes: null,
    } : null,
  };
}
