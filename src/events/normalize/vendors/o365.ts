/**
 * Microsoft 365 unified audit log, as the Management Activity API returns it
 * (`{CreationTime, Id, Operation, Workload, UserId, ClientIP, …}`) and as Sentinel's
 * `OfficeActivity` table stores it (`TimeGenerated`, `OfficeWorkload`, `Client_IPAddress`,
 * `OfficeId`). Covers sign-ins (AzureActiveDirectoryStsLogon), directory operations,
 * SharePoint/OneDrive files and sharing, Exchange mailbox rules and forwarding, Teams.
 */
import type { Action } from '../../activity.js';
import { vendorDevice, type Draft } from '../build.js';
import { field, first, isRec, list, nameValue, str, size, type Rec } from '../fields.js';
import { DIRECTORY_ACTIONS, directoryKey } from './directory.js';

/** Operation → action, for every workload except the directory (see DIRECTORY_ACTIONS). */
export const O365_ACTIONS: ReadonlyMap<string, Action> = new Map<string, Action>([
  ['userloggedin', 'login'],
  ['userloginfailed', 'login_failed'],
  ['userloggedout', 'logout'],
  ['teamssessionstarted', 'login'],
  ['mailboxlogin', 'login'],
  ['filedownloaded', 'file_download'],
  ['filesyncdownloadedfull', 'file_sync'],
  ['filesyncdownloadedpartial', 'file_sync'],
  ['fileaccessed', 'file_access'],
  ['fileaccessedextended', 'file_access'],
  ['filepreviewed', 'file_access'],
  ['anonymouslinkused', 'file_access'],
  ['fileuploaded', 'file_upload'],
  ['filesyncuploadedfull', 'file_upload'],
  ['filemodified', 'file_modify'],
  ['filemodifiedextended', 'file_modify'],
  ['filerenamed', 'file_modify'],
  ['filemoved', 'file_modify'],
  ['filecopied', 'file_modify'],
  ['filedeleted', 'file_delete'],
  ['filerecycled', 'file_delete'],
  ['filedeletedfirststagerecyclebin', 'file_delete'],
  ['filedeletedsecondstagerecyclebin', 'file_delete'],
  // Sharing: internal unless the target is a guest/external (decided per record below).
  ['sharingset', 'file_share_internal'],
  ['sharinginvitationcreated', 'file_share_internal'],
  ['addedtosecurelink', 'file_share_internal'],
  ['securelinkcreated', 'file_share_internal'],
  ['companylinkcreated', 'file_share_internal'],
  ['sharinginheritancebroken', 'file_share_internal'],
  ['anonymouslinkcreated', 'file_share_anonymous'],
  ['anonymouslinkupdated', 'file_share_anonymous'],
  ['addedtogroup', 'group_change'],
  ['new-inboxrule', 'mail_rule_change'],
  ['set-inboxrule', 'mail_rule_change'],
  ['updateinboxrules', 'mail_rule_change'],
  ['remove-inboxrule', 'mail_rule_change'],
  ['set-mailbox', 'admin_setting_change'],
  ['new-transportrule', 'mail_rule_change'],
  ['set-transportrule', 'mail_rule_change'],
  ['add-mailboxpermission', 'mailbox_permission'],
  ['add-recipientpermission', 'mailbox_permission'],
  ['add-mailboxfolderpermission', 'mailbox_permission'],
  ['set-mailboxfolderpermission', 'mailbox_permission'],
  ['add-rolegroupmember', 'role_assign'],
  ['new-managementroleassignment', 'role_assign'],
  ['mailitemsaccessed', 'mail_access'],
  ['send', 'mail_send'],
  ['sendas', 'mail_send'],
  ['sendonbehalf', 'mail_send'],
  ['searchexportdownloaded', 'data_export'],
  ['new-compliancesearchaction', 'data_export'],
  ['searchexported', 'data_export'],
  ['createflow', 'app_create'],
  ['messagesent', 'message_send'],
  ['chatcreated', 'channel_change'],
  ['teamcreated', 'channel_change'],
  ['channeladded', 'channel_change'],
  ['teamdeleted', 'channel_change'],
  ['memberadded', 'group_change'],
  ['memberremoved', 'group_change'],
  ['memberrolechanged', 'role_assign'],
  ['set-adminauditlogconfig', 'logging_disable'],
  ['set-mailboxauditbypassassociation', 'logging_disable'],
]);

/** Exchange parameters that send mail outside the mailbox (inbox rules, mailbox forwarding, transport rules). */
const FORWARDING_PARAMS = ['ForwardTo', 'ForwardAsAttachmentTo', 'RedirectTo', 'ForwardingSmtpAddress', 'ForwardingAddress', 'RedirectMessageTo', 'BlindCopyTo', 'AddToRecipients'];

function isForwarding(r: Rec): boolean {
  const params = field(r, 'Parameters');
  for (const p of FORWARDING_PARAMS) {
    const v = str(nameValue(params, p));
    if (v !== null && v !== '$null') return true;
  }
  // Outlook client rules (UpdateInboxRules) describe their actions in OperationProperties.
  const props = field(r, 'OperationProperties');
  if (props === undefined) return false;
  const actions = str(nameValue(props, 'RuleActions'));
  return actions !== null && /forward|redirect/i.test(actions);
}

/** The organisation's own domains as far as the record tells: the user's, the tenant's name. */
function ownDomains(r: Rec): Set<string> {
  const own = new Set<string>();
  for (const v of [str(field(r, 'UserId')), str(field(r, 'OrganizationName'))]) {
    if (v === null) continue;
    const domain = v.slice(v.indexOf('@') + 1).toLowerCase();
    own.add(domain);
    own.add(domain.split('.')[0]); // contoso.onmicrosoft.com and contoso.com are one organisation
  }
  return own;
}

/** True when any address of a forwarding target (`smtp:a@b.com;c@d.com`) is outside the organisation. */
function leavesTenant(target: string, r: Rec): boolean {
  const own = ownDomains(r);
  return target.split(/[;,]/).some((addr) => {
    const at = addr.lastIndexOf('@');
    if (at < 0) return false; // a mailbox name, not an address: internal
    const domain = addr.slice(at + 1).trim().toLowerCase();
    return !own.has(domain) && !own.has(domain.split('.')[0]);
  });
}

function o365Action(op: string, r: Rec): Action {
  const lower = op.toLowerCase();
  const direct = O365_ACTIONS.get(lower);
  if (direct === 'file_share_internal') return isExternalTarget(r) ? 'file_share_external' : direct;
  if (direct === 'mail_rule_change' || direct === 'admin_setting_change') {
    return isForwarding(r) ? 'mail_forward_rule' : direct;
  }
  if (direct) return direct;
  // Directory operations ("Add user.") come from the AzureActiveDirectory workload; the
  // lookup runs for every workload because Sentinel rows sometimes lack the workload.
  return DIRECTORY_ACTIONS.get(directoryKey(op)) ?? 'other';
}

function isExternalTarget(r: Rec): boolean {
  const type = str(field(r, 'TargetUserOrGroupType'));
  if (type !== null && /guest|external|partner/i.test(type)) return true;
  const target = str(field(r, 'TargetUserOrGroupName'));
  return target !== null && target.includes('#ext#');
}

function outcomeOf(r: Rec, op: string): [Draft['outcome'], string | null] {
  const logonError = str(field(r, 'LogonError'));
  // UserLoginFailed records say ResultStatus "Success" (the logging succeeded): the operation decides.
  if (op.toLowerCase() === 'userloginfailed') return ['failure', logonError ?? str(field(r, 'ResultStatus'))];
  const status = str(first(r, ['ResultStatus', 'ResultReasonType']));
  if (status === null) return ['unknown', null];
  const s = status.toLowerCase();
  if (s === 'succeeded' || s === 'success' || s === 'true' || s === 'partiallysucceeded') return ['success', null];
  if (s === 'failed' || s === 'failure' || s === 'false') return ['failure', logonError ?? status];
  return ['unknown', null];
}

function userAgentOf(r: Rec): string | null {
  return str(field(r, 'UserAgent')) ?? str(nameValue(field(r, 'ExtendedProperties'), 'UserAgent')) ?? str(field(r, 'ClientInfoString'));
}

function objectOf(r: Rec, action: Action): Draft['object'] {
  const workload = str(first(r, ['Workload', 'OfficeWorkload'])) ?? '';
  const wl = workload.toLowerCase();
  if (wl === 'sharepoint' || wl === 'onedrive') {
    const url = str(first(r, ['ObjectId', 'OfficeObjectId']));
    return {
      type: (str(field(r, 'ItemType')) ?? 'file').toLowerCase(),
      id: url,
      name: str(first(r, ['SourceFileName', 'SourceRelativeUrl'])),
      external: action === 'file_share_external' || action === 'file_share_anonymous',
      bytes: size(field(r, 'FileSizeBytes')),
    };
  }
  if (action === 'mail_forward_rule') {
    const params = field(r, 'Parameters');
    const to = FORWARDING_PARAMS.map((p) => str(nameValue(params, p))).find((v) => v !== null && v !== '$null') ?? null;
    return { type: 'mailbox', id: str(first(r, ['ObjectId', 'MailboxOwnerUPN'])), name: to, external: to !== null && leavesTenant(to, r), bytes: null };
  }
  const target = list(field(r, 'Target')).find((t) => isRec(t) && str(field(t, 'ID'))?.includes('@')) as Rec | undefined;
  const objectId = str(first(r, ['ObjectId', 'MailboxOwnerUPN']));
  if (objectId === null && target === undefined) return null;
  return { type: null, id: objectId ?? str(field(target!, 'ID')), name: null, external: field(r, 'ExternalAccess') === true, bytes: null };
}

export function normalizeO365(r: Rec): Draft {
  const op = str(field(r, 'Operation')) ?? '';
  const workload = str(first(r, ['Workload', 'OfficeWorkload'])) ?? '';
  const action = o365Action(op, r);
  const [outcome, failureReason] = outcomeOf(r, op);
  return {
    id: str(first(r, ['Id', 'OfficeId', 'SourceRecordId'])),
    time: first(r, ['CreationTime', 'TimeGenerated', 'Start_Time']),
    tenant: str(first(r, ['OrganizationId', 'TenantId'])),
    user: first(r, ['UserId', 'UserId_', 'MailboxOwnerUPN']),
    // For sign-ins the application signed in to says more than the constant workload does.
    app: (action === 'login' || action === 'login_failed' ? str(field(r, 'ApplicationId')) : null) ?? (workload || null),
    action,
    rawAction: op,
    outcome,
    failureReason,
    ip: first(r, ['ClientIP', 'ClientIPAddress', 'Client_IPAddress', 'ActorIpAddress']),
    userAgent: userAgentOf(r),
    // Sign-ins list the device as [{Name: 'Id' | 'OS' | 'BrowserType', Value}].
    device: vendorDevice(
      str(field(r, 'DeviceId')) ?? str(nameValue(field(r, 'DeviceProperties'), 'Id')),
      str(nameValue(field(r, 'DeviceProperties'), 'OS')),
      str(nameValue(field(r, 'DeviceProperties'), 'BrowserType')),
    ),
    object: objectOf(r, action),
  };
}
