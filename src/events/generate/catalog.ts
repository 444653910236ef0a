/**
 * How each normalised action appears in each vendor's log (application and operation
 * name), so generated Activities carry the same app/rawAction a normaliser would
 * produce from the real record.
 */
import type { Action } from '../activity.js';

export type GenVendor = 'o365' | 'gworkspace';

interface VendorName { app: string; raw: string }

const O365: Partial<Record<Action, VendorName>> = {
  login: { app: 'AzureActiveDirectory', raw: 'UserLoggedIn' },
  login_failed: { app: 'AzureActiveDirectory', raw: 'UserLoginFailed' },
  file_access: { app: 'SharePoint', raw: 'FileAccessed' },
  file_download: { app: 'SharePoint', raw: 'FileDownloaded' },
  file_upload: { app: 'SharePoint', raw: 'FileUploaded' },
  file_modify: { app: 'SharePoint', raw: 'FileModified' },
  file_delete: { app: 'SharePoint', raw: 'FileDeleted' },
  file_share_internal: { app: 'SharePoint', raw: 'SharingInvitationCreated' },
  file_share_external: { app: 'SharePoint', raw: 'SharingInvitationCreated' },
  file_share_anonymous: { app: 'SharePoint', raw: 'AnonymousLinkCreated' },
  file_sync: { app: 'OneDrive', raw: 'FileSyncDownloadedFull' },
  mail_access: { app: 'Exchange', raw: 'MailItemsAccessed' },
  mail_send: { app: 'Exchange', raw: 'Send' },
  mail_forward_rule: { app: 'Exchange', raw: 'New-InboxRule' },
  mailbox_permission: { app: 'Exchange', raw: 'Add-MailboxPermission' },
  message_send: { app: 'MicrosoftTeams', raw: 'MessageSent' },
  oauth_consent: { app: 'AzureActiveDirectory', raw: 'Consent to application.' },
  role_assign: { app: 'AzureActiveDirectory', raw: 'Add member to role.' },
  user_create: { app: 'AzureActiveDirectory', raw: 'Add user.' },
  user_modify: { app: 'AzureActiveDirectory', raw: 'Update user.' },
  group_change: { app: 'AzureActiveDirectory', raw: 'Add member to group.' },
  password_reset: { app: 'AzureActiveDirectory', raw: 'Reset user password.' },
  password_change: { app: 'AzureActiveDirectory', raw: 'Change user password.' },
  admin_setting_change: { app: 'Exchange', raw: 'Set-Mailbox' },
};

const GWORKSPACE: Partial<Record<Action, VendorName>> = {
  login: { app: 'login', raw: 'login_success' },
  login_failed: { app: 'login', raw: 'login_failure' },
  file_access: { app: 'drive', raw: 'view' },
  file_download: { app: 'drive', raw: 'download' },
  file_upload: { app: 'drive', raw: 'upload' },
  file_modify: { app: 'drive', raw: 'edit' },
  file_delete: { app: 'drive', raw: 'delete' },
  file_share_internal: { app: 'drive', raw: 'change_user_access' },
  file_share_external: { app: 'drive', raw: 'change_user_access' },
  file_share_anonymous: { app: 'drive', raw: 'change_document_visibility' },
  file_sync: { app: 'drive', raw: 'sync_item_content' },
  // Gmail's Reports API logs every mail event as `delivery`; event_info.mail_event_type tells which (7 = opened).
  mail_access: { app: 'gmail', raw: 'delivery' },
  mail_send: { app: 'gmail', raw: 'send' },
  mail_forward_rule: { app: 'user_accounts', raw: 'email_forwarding_change' },
  mailbox_permission: { app: 'gmail', raw: 'ADD_DELEGATE' },
  message_send: { app: 'chat', raw: 'message_posted' },
  oauth_consent: { app: 'token', raw: 'authorize' },
  role_assign: { app: 'admin', raw: 'ASSIGN_ROLE' },
  user_create: { app: 'admin', raw: 'CREATE_USER' },
  user_modify: { app: 'admin', raw: 'CHANGE_LAST_NAME' },
  group_change: { app: 'admin', raw: 'ADD_GROUP_MEMBER' },
  password_reset: { app: 'admin', raw: 'CHANGE_PASSWORD' },
  password_change: { app: 'login', raw: 'password_edit' },
  admin_setting_change: { app: 'admin', raw: 'CHANGE_APPLICATION_SETTING' },
};

export function vendorName(vendor: GenVendor, action: Action): VendorName {
  const table = vendor === 'o365' ? O365 : GWORKSPACE;
  const found = table[action];
  if (!found) throw new Error(`the generator has no ${vendor} operation for action ${action}`);
  return found;
}
