/**
 * Google Workspace Admin SDK Reports API: `activities.list` items (one Activity per entry
 * of `events[]`, id = `id.uniqueQualifier#index`) and Panther's flattened
 * `GSuite.ActivityEvent` form (one event per record, `parameters` as an object, id =
 * `id.uniqueQualifier#name` since the original index is lost).
 */
import type { Action } from '../../activity.js';
import { vendorDevice, type Draft, type RecordContext } from '../build.js';
import { field, isRec, list, nameValue, path, str, type Rec } from '../fields.js';

/** Event name (lower-case) → action; `application/name` keys win over bare names. */
export const GWORKSPACE_ACTIONS: ReadonlyMap<string, Action> = new Map<string, Action>([
  ['login_success', 'login'],
  ['login_failure', 'login_failed'],
  ['login_challenge', 'mfa_challenge'],
  ['login_verification', 'mfa_challenge'],
  ['logout', 'logout'],
  ['2sv_enroll', 'mfa_change'],
  ['2sv_disable', 'mfa_change'],
  ['titanium_enroll', 'mfa_change'],
  ['titanium_unenroll', 'mfa_change'],
  ['password_edit', 'password_change'],
  ['recovery_email_edit', 'user_modify'],
  ['recovery_phone_edit', 'user_modify'],
  ['email_forwarding_out_of_domain', 'mail_forward_rule'],
  ['email_forwarding_change', 'mail_forward_rule'],
  ['download', 'file_download'],
  ['view', 'file_access'],
  ['preview', 'file_access'],
  ['edit', 'file_modify'],
  ['rename', 'file_modify'],
  ['move', 'file_modify'],
  ['upload', 'file_upload'],
  ['create', 'file_upload'],
  ['delete', 'file_delete'],
  ['trash', 'file_delete'],
  ['change_user_access', 'file_share_internal'],
  ['change_document_visibility', 'file_share_internal'],
  ['change_document_access_scope', 'file_share_internal'],
  ['change_acl_editors', 'file_share_internal'],
  ['shared_drive_membership_change', 'file_share_internal'],
  ['sheets_import_range', 'file_access'],
  ['create_user', 'user_create'],
  ['delete_user', 'user_delete'],
  ['suspend_user', 'user_disable'],
  ['unsuspend_user', 'user_enable'],
  ['change_user_name', 'user_modify'],
  ['change_password', 'password_reset'],
  ['change_first_name', 'user_modify'],
  ['change_last_name', 'user_modify'],
  ['assign_role', 'role_assign'],
  ['grant_admin_privilege', 'role_assign'],
  ['grant_delegated_admin_privileges', 'role_assign'],
  ['add_privilege', 'role_assign'],
  ['unassign_role', 'role_remove'],
  ['revoke_admin_privilege', 'role_remove'],
  ['delete_role', 'admin_setting_change'],
  ['create_role', 'admin_setting_change'],
  ['add_group_member', 'group_change'],
  ['remove_group_member', 'group_change'],
  ['change_application_setting', 'admin_setting_change'],
  ['create_application_setting', 'admin_setting_change'],
  ['change_two_step_verification_enrollment', 'mfa_change'],
  ['enforce_strong_authentication', 'mfa_change'],
  ['turn_off_2_step_verification', 'mfa_change'],
  ['authorize_api_client_access', 'oauth_consent'],
  ['add_to_trusted_oauth2_apps', 'oauth_consent'],
  ['create_gmail_setting', 'admin_setting_change'],
  ['change_gmail_setting', 'admin_setting_change'],
  ['authorize', 'oauth_consent'],
  ['token/authorize', 'oauth_consent'],
  ['token/revoke', 'other'],
  ['takeout/create', 'data_export'],
  ['create_data_transfer_request', 'data_export'],
  ['send', 'mail_send'],
  // Gmail logs every message event as `delivery`; `event_info.mail_event_type` refines it below.
  ['gmail/delivery', 'mail_access'],
  ['chat/message_posted', 'message_send'],
  ['drive/sync_item_content', 'file_sync'],
  ['add_delegate', 'mailbox_permission'],
  ['gmail/add_delegate', 'mailbox_permission'],
]);

/** Gmail `mail_event_type` codes that mean the user sent the message (1 = send, 2 = send-as). */
const GMAIL_SEND_TYPES = new Set(['1', '2']);

/** `event_info.mail_event_type` of a Gmail event, nested one level as a `messageValue`. */
function gmailEventType(params: unknown): string | null {
  const info = nameValue(params, 'event_info');
  const nested = isRec(info) ? info : undefined;
  for (const item of list(params)) {
    if (!isRec(item) || str(field(item, 'name'))?.toLowerCase() !== 'event_info') continue;
    const inner = path(item, 'messageValue', 'parameter');
    const v = nameValue(inner, 'mail_event_type');
    if (v !== undefined) return str(v);
  }
  return nested ? str(field(nested, 'mail_event_type')) : null;
}

/** Drive visibilities that expose a file outside the domain. */
const EXTERNAL_VISIBILITY = new Set(['shared_externally', 'people_with_link', 'public_on_the_web', 'people_with_link_outside_domain']);
const ANONYMOUS_VISIBILITY = new Set(['people_with_link', 'public_on_the_web']);

function eventAction(app: string, name: string, params: unknown): Action {
  const lname = name.toLowerCase();
  const action = GWORKSPACE_ACTIONS.get(`${app}/${lname}`) ?? GWORKSPACE_ACTIONS.get(lname) ?? 'other';
  if (action === 'mail_access') return GMAIL_SEND_TYPES.has(gmailEventType(params) ?? '') ? 'mail_send' : action;
  if (action !== 'file_share_internal') return action;
  const visibility = str(nameValue(params, 'visibility'))?.toLowerCase() ?? '';
  if (ANONYMOUS_VISIBILITY.has(visibility)) return 'file_share_anonymous';
  return EXTERNAL_VISIBILITY.has(visibility) ? 'file_share_external' : action;
}

function eventDraft(r: Rec, app: string, event: Rec, id: string): Draft {
  const name = str(field(event, 'name')) ?? '';
  const params = field(event, 'parameters');
  const action = eventAction(app, name, params);
  const failed = /fail/i.test(name);
  const docId = str(nameValue(params, 'doc_id'));
  const actor = field(r, 'actor');
  return {
    id,
    time: path(r, 'id', 'time'),
    tenant: str(path(r, 'id', 'customerId')),
    user: isRec(actor) ? field(actor, 'email') ?? field(actor, 'profileId') ?? field(actor, 'key') : undefined,
    app: app || null,
    action,
    rawAction: name,
    outcome: failed ? 'failure' : 'success',
    failureReason: failed ? str(nameValue(params, 'login_failure_type')) ?? name : null,
    ip: field(r, 'ipAddress'),
    userAgent: null,
    device: vendorDevice(str(nameValue(params, 'device_id')), str(nameValue(params, 'os_version')), null),
    object: docId === null ? null : {
      type: str(nameValue(params, 'doc_type')),
      id: docId,
      name: str(nameValue(params, 'doc_title')),
      external: action === 'file_share_external' || action === 'file_share_anonymous',
      bytes: null,
    },
  };
}

export function normalizeGworkspace(r: Rec, ctx: RecordContext): Draft[] {
  const app = str(path(r, 'id', 'applicationName')) ?? '';
  const uq = str(path(r, 'id', 'uniqueQualifier'));
  const events = field(r, 'events');
  if (Array.isArray(events) && events.length > 0) {
    const base = uq ?? ctx.hash();
    return list(events).map((e, i) => eventDraft(r, app, isRec(e) ? e : {}, `${base}#${i}`));
  }
  // Panther's flattened form: the event's own fields sit on the record.
  const name = str(field(r, 'name')) ?? '';
  return [eventDraft(r, app, r, `${uq ?? ctx.hash()}#${name}`)];
}
