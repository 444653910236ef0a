/**
 * Dropbox Business team events (`team_log/get_events`): `{timestamp, event_type: {.tag},
 * actor: {.tag: user|admin|app|…, <tag>: {email, …}}, context, origin: {geo_location:
 * {ip_address}, access_method}, assets[], details, involve_non_team_member}`. Dropbox
 * events carry no id, so Activity.id is a hash of the record. Panther writes `_tag` for
 * `.tag`; both are read.
 */
import type { Action } from '../../activity.js';
import type { Draft, RecordContext } from '../build.js';
import { field, first, isRec, list, path, size, str, type Rec } from '../fields.js';

export const DROPBOX_ACTIONS: ReadonlyMap<string, Action> = new Map<string, Action>([
  ['login_success', 'login'],
  ['login_fail', 'login_failed'],
  ['logout', 'logout'],
  ['sign_in_as_session_start', 'login'],
  ['file_download', 'file_download'],
  ['shared_content_download', 'file_download'],
  ['shared_link_download', 'file_download'],
  ['file_preview', 'file_access'],
  ['shared_link_view', 'file_access'],
  ['file_add', 'file_upload'],
  ['file_edit', 'file_modify'],
  ['file_rename', 'file_modify'],
  ['file_move', 'file_modify'],
  ['file_copy', 'file_modify'],
  ['file_delete', 'file_delete'],
  ['file_permanently_delete', 'file_delete'],
  ['shared_content_add_member', 'file_share_internal'],
  ['shared_content_add_invitees', 'file_share_internal'],
  ['sf_add_group', 'file_share_internal'],
  ['sf_invite_group', 'file_share_internal'],
  ['shared_folder_create', 'file_share_internal'],
  ['shared_link_create', 'file_share_anonymous'],
  ['shared_link_share', 'file_share_anonymous'],
  ['shared_content_change_link_audience', 'file_share_anonymous'],
  ['shared_link_settings_change_audience', 'file_share_anonymous'],
  ['member_add_name', 'user_create'],
  ['member_invite', 'user_create'],
  ['member_remove', 'user_delete'],
  ['member_delete', 'user_delete'],
  ['member_suspend', 'user_disable'],
  ['member_unsuspend', 'user_enable'],
  ['member_change_admin_role', 'role_assign'],
  ['tfa_change_status', 'mfa_change'],
  ['tfa_remove_backup_phone', 'mfa_change'],
  ['tfa_remove_security_key', 'mfa_change'],
  ['tfa_reset', 'mfa_change'],
  ['password_change', 'password_change'],
  ['password_reset', 'password_reset'],
  ['password_reset_all', 'password_reset'],
  ['app_link_team', 'oauth_consent'],
  ['app_link_member', 'oauth_consent'],
  ['export_members_report', 'data_export'],
  ['team_activity_create_report', 'data_export'],
  ['paper_content_create', 'file_upload'],
  ['sso_change_policy', 'admin_setting_change'],
  ['sso_change_cert', 'admin_setting_change'],
  ['sso_add_login_url', 'admin_setting_change'],
]);

/** `.tag` (Dropbox) or `_tag` (Panther). */
function tag(v: unknown): string | null {
  return isRec(v) ? str(v['.tag'] ?? v._tag) : null;
}

function actorEmail(r: Rec): unknown {
  const actor = field(r, 'actor');
  if (isRec(actor)) {
    const kind = tag(actor);
    const who = kind !== null ? field(actor, kind) : undefined;
    if (isRec(who)) return first(who, ['email', 'display_name', 'account_id', 'app_id']);
  }
  const context = field(r, 'context');
  return isRec(context) ? first(context, ['email', 'account_id']) : undefined;
}

export function normalizeDropbox(r: Rec, ctx: RecordContext): Draft {
  const name = tag(field(r, 'event_type')) ?? '';
  let action = DROPBOX_ACTIONS.get(name) ?? (name.endsWith('_policy') || name.endsWith('_change_policy') ? 'admin_setting_change' : 'other');
  const external = field(r, 'involve_non_team_member') === true;
  if (action === 'file_share_internal' && external) action = 'file_share_external';
  const asset = list(field(r, 'assets')).find(isRec);
  const failed = name.endsWith('_fail') || name.endsWith('_failed');
  return {
    id: ctx.hash(),
    time: field(r, 'timestamp'),
    tenant: str(path(r, 'context', 'team', 'display_name')),
    user: actorEmail(r),
    // The client: desktop / web / mobile for end users, else api / admin_console / …
    app: tag(path(r, 'origin', 'access_method', 'end_user')) ?? tag(path(r, 'origin', 'access_method')) ?? 'dropbox',
    action,
    rawAction: name,
    outcome: failed ? 'failure' : 'success',
    failureReason: failed ? str(path(r, 'details', 'error_details', 'user_friendly_message')) ?? name : null,
    ip: path(r, 'origin', 'geo_location', 'ip_address'),
    userAgent: null,
    device: null,
    object: asset ? {
      type: tag(asset),
      id: str(first(asset, ['file_id', 'id'])) ?? str(path(asset, 'path', 'contextual')),
      name: str(first(asset, ['display_name'])),
      external: external && (action === 'file_share_external' || action === 'file_share_anonymous' || action === 'file_download'),
      bytes: size(field(asset, 'file_size')),
    } : null,
  };
}
