/**
 * Generated Activities written back as the vendor records they stand for: Microsoft
 * 365 Management Activity API records and Google Workspace Reports API activities.
 * The normaliser (src/events/normalize) reads them back to the same id, user, time,
 * action and IP; `threatlab generate` checks that on every record it writes.
 */
import type { Activity } from '../activity.js';
import { hashSeed } from './random.js';

export type OutputFormat = 'activity' | 'o365' | 'gworkspace';
type Json = Record<string, unknown>;

/** O365 writes UTC without a zone or fraction: `2026-01-05T09:12:33`. */
function o365Time(t: number): string {
  return new Date(t).toISOString().slice(0, 19);
}

/** RecordType codes of the Office 365 Management Activity API schema. */
const RECORD_TYPE: Readonly<Record<string, number>> = {
  AzureActiveDirectoryStsLogon: 15, AzureActiveDirectory: 8, SharePointFileOperation: 6, SharePointSharingOperation: 14,
  ExchangeAdmin: 1, ExchangeItem: 2, ExchangeItemAggregated: 50, MicrosoftTeams: 25,
};

function isBrowser(ua: string): boolean {
  return ua.startsWith('Mozilla/');
}

export function toO365Record(a: Activity): Json {
  const base: Json = {
    CreationTime: o365Time(a.time),
    Id: a.id,
    Operation: a.rawAction,
    OrganizationId: a.tenant,
    RecordType: 0,
    ResultStatus: a.outcome === 'failure' ? 'Failed' : 'Succeeded',
    UserKey: `10032001${(hashSeed(0, a.user) >>> 0).toString(16).toUpperCase().padStart(8, '0')}`,
    UserType: 0,
    Version: 1,
    Workload: '',
    ClientIP: a.ip,
    UserId: a.user,
  };
  const ua = a.userAgent ?? '';
  const o = a.object;
  switch (a.action) {
    case 'login':
    case 'login_failed':
      return {
        ...base, RecordType: RECORD_TYPE.AzureActiveDirectoryStsLogon, Workload: 'AzureActiveDirectory', ResultStatus: a.outcome === 'failure' ? 'Failed' : 'Success',
        ObjectId: '00000003-0000-0ff1-ce00-000000000000', ActorIpAddress: a.ip, ApplicationId: '00000002-0000-0ff1-ce00-000000000000',
        ExtendedProperties: [{ Name: 'ResultStatusDetail', Value: a.outcome === 'failure' ? 'Redirect' : 'Success' }, { Name: 'UserAgent', Value: ua }, { Name: 'RequestType', Value: 'OAuth2:Authorize' }],
        ...(a.outcome === 'failure' ? { LogonError: a.failureReason ?? 'InvalidUserNameOrPassword', ErrorNumber: '50126' } : {}),
        Actor: [{ ID: a.user, Type: 5 }],
      };
    case 'mail_access':
      return {
        ...base, RecordType: RECORD_TYPE.ExchangeItemAggregated, Workload: 'Exchange', MailboxOwnerUPN: a.user, LogonType: 0,
        ClientInfoString: isBrowser(ua) ? `Client=OWA;${ua}` : ua, ClientAppName: a.app === 'Exchange' ? undefined : a.app,
        OperationProperties: [{ Name: 'MailAccessType', Value: 'Bind' }, { Name: 'IsThrottled', Value: 'False' }],
        Folders: [{ Path: '\\Inbox', FolderItems: [{ InternetMessageId: `<${a.id.slice(0, 13)}@mail.${a.tenant}.example>` }] }],
      };
    case 'mail_send':
      return { ...base, RecordType: RECORD_TYPE.ExchangeItem, Workload: 'Exchange', MailboxOwnerUPN: a.user, ClientInfoString: isBrowser(ua) ? `Client=OWA;${ua}` : ua, Item: { Id: a.id, Subject: 'RE: follow-up' } };
    case 'mail_forward_rule':
    case 'mailbox_permission':
    case 'admin_setting_change': {
      const params: Json[] = [{ Name: 'Identity', Value: o?.id ?? a.user }];
      if (a.action === 'mail_forward_rule') params.push({ Name: 'Name', Value: '.' }, { Name: 'ForwardTo', Value: (o?.name ?? '').replace(/^ForwardTo: /, '') }, { Name: 'StopProcessingRules', Value: 'True' });
      if (a.action === 'mailbox_permission') params.push({ Name: 'User', Value: a.user }, { Name: 'AccessRights', Value: 'FullAccess' });
      if (a.action === 'admin_setting_change') params.push({ Name: 'AuditEnabled', Value: 'True' });
      return { ...base, RecordType: RECORD_TYPE.ExchangeAdmin, Workload: 'Exchange', ResultStatus: 'True', ObjectId: o?.id ?? a.user, Parameters: params, ClientInfoString: ua };
    }
    case 'message_send':
      return { ...base, RecordType: RECORD_TYPE.MicrosoftTeams, Workload: 'MicrosoftTeams', ChatThreadId: `19:${o?.id ?? 'general'}@thread.tacv2`, UserAgent: ua };
    case 'oauth_consent':
    case 'role_assign':
    case 'user_create':
    case 'user_modify':
    case 'group_change':
    case 'password_reset':
    case 'password_change':
      return {
        ...base, RecordType: RECORD_TYPE.AzureActiveDirectory, Workload: 'AzureActiveDirectory', ResultStatus: 'Success', ActorIpAddress: a.ip,
        ObjectId: o?.id ?? null, Actor: [{ ID: a.user, Type: 5 }],
        Target: [{ ID: o?.id ?? '', Type: a.action === 'oauth_consent' ? 1 : 5 }],
        ModifiedProperties: o?.name ? [{ Name: a.action === 'oauth_consent' ? 'ConsentContext.IsAdminConsent' : 'Role.DisplayName', NewValue: a.action === 'oauth_consent' ? 'False' : o.name, OldValue: '' }] : [],
        ExtendedProperties: [{ Name: 'UserAgent', Value: ua }],
      };
    default: {
      // SharePoint / OneDrive file and sharing operations.
      const url = o?.id ?? '';
      const slash = url.lastIndexOf('/');
      const siteEnd = url.search(/\/(Shared )?Documents\//);
      const sharing = a.action.startsWith('file_share');
      return {
        ...base, RecordType: sharing ? RECORD_TYPE.SharePointSharingOperation : RECORD_TYPE.SharePointFileOperation,
        Workload: url.includes('-my.sharepoint.com') ? 'OneDrive' : 'SharePoint', ObjectId: url, ItemType: 'File',
        SiteUrl: siteEnd > 0 ? url.slice(0, siteEnd + 1) : undefined,
        SourceRelativeUrl: siteEnd > 0 ? url.slice(siteEnd + 1, slash) : undefined, SourceFileName: o?.name ?? url.slice(slash + 1),
        SourceFileExtension: (o?.name ?? '').split('.').pop(), UserAgent: ua, EventSource: 'SharePoint',
        ...(o?.bytes !== null && o?.bytes !== undefined && !sharing ? { FileSizeBytes: o.bytes } : {}),
        ...(a.action === 'file_share_external' ? { TargetUserOrGroupType: 'Guest', TargetUserOrGroupName: externalTarget(o?.name) } : {}),
        ...(a.action === 'file_share_internal' ? { TargetUserOrGroupType: 'Member', TargetUserOrGroupName: `colleague@${a.user.split('@')[1]}` } : {}),
      };
    }
  }
}

function externalTarget(name: string | null | undefined): string {
  const arrow = name?.indexOf('→ ') ?? -1;
  return arrow >= 0 ? name!.slice(arrow + 2) : 'partner@external.example';
}

/** Google's uniqueQualifier: a signed 64-bit decimal; derived from our id so it is stable. */
function uniqueQualifier(id: string): string {
  const hi = hashSeed(1, id);
  const lo = hashSeed(2, id);
  return (BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo))).toString();
}

/** The normaliser's id for a one-event Reports API activity. */
export function gworkspaceId(a: Activity): string {
  return `${uniqueQualifier(a.id)}#0`;
}

function docId(url: string): string {
  let s = '';
  for (let i = 0; s.length < 44; i++) s += (hashSeed(i, url) >>> 0).toString(36);
  return `1${s.slice(0, 43)}`;
}

const DOC_TYPE: Readonly<Record<string, string>> = { docx: 'document', xlsx: 'spreadsheet', pptx: 'presentation', pdf: 'pdf', csv: 'spreadsheet', zip: 'unknown' };

export function toGworkspaceRecord(a: Activity): Json {
  const o = a.object;
  const params: Json[] = [];
  let type = a.app;
  switch (a.app) {
    case 'login':
      type = 'login';
      params.push({ name: 'login_type', value: 'google_password' });
      if (a.outcome === 'failure') params.push({ name: 'login_failure_type', value: 'login_failure_invalid_password' });
      params.push({ name: 'is_suspicious', boolValue: false });
      break;
    case 'drive': {
      type = a.action.startsWith('file_share') ? 'acl_change' : 'access';
      const ext = (o?.name ?? '').split('.').pop() ?? '';
      params.push({ name: 'primary_event', boolValue: true }, { name: 'doc_id', value: docId(o?.id ?? a.id) }, { name: 'doc_type', value: DOC_TYPE[ext] ?? 'unknown' }, { name: 'doc_title', value: o?.name ?? '' }, { name: 'owner', value: a.user });
      if (a.action === 'file_share_external') params.push({ name: 'visibility', value: 'shared_externally' }, { name: 'target_user', value: externalTarget(o?.name) });
      else if (a.action === 'file_share_anonymous') params.push({ name: 'visibility', value: 'people_with_link' }, { name: 'old_visibility', value: 'private' });
      else if (a.action === 'file_share_internal') params.push({ name: 'visibility', value: 'shared_internally' }, { name: 'target_user', value: `colleague@${a.user.split('@')[1]}` });
      else params.push({ name: 'visibility', value: 'private' });
      break;
    }
    case 'gmail':
      type = 'delivery_type';
      params.push({ name: 'event_info', messageValue: { parameter: [{ name: 'mail_event_type', intValue: a.action === 'mail_access' ? '7' : '1' }] } });
      break;
    case 'token':
      type = 'auth';
      params.push({ name: 'client_id', value: o?.id ?? '' }, { name: 'app_name', value: o?.name ?? '' }, { name: 'scope', multiValue: ['https://mail.google.com/', 'https://www.googleapis.com/auth/drive'] });
      break;
    case 'user_accounts':
      type = 'email_forwarding_change';
      params.push({ name: 'email_forwarding_destination_address', value: (o?.name ?? '').replace(/^ForwardTo: /, '') });
      break;
    case 'admin':
      type = a.action === 'role_assign' ? 'DELEGATED_ADMIN_SETTINGS' : a.action === 'admin_setting_change' ? 'APPLICATION_SETTINGS' : a.action === 'group_change' ? 'GROUP_SETTINGS' : 'USER_SETTINGS';
      params.push({ name: 'USER_EMAIL', value: o?.id ?? '' });
      if (a.action === 'role_assign') params.push({ name: 'ROLE_NAME', value: o?.name ?? '' });
      if (a.action === 'group_change') params.push({ name: 'GROUP_EMAIL', value: o?.id ?? '' });
      break;
    default:
      break;
  }
  return {
    kind: 'admin#reports#activity',
    id: { time: new Date(a.time).toISOString(), uniqueQualifier: uniqueQualifier(a.id), applicationName: a.app, customerId: a.tenant },
    etag: `"${docId(a.id).slice(0, 27)}/${docId(`${a.id}e`).slice(0, 27)}"`,
    actor: { callerType: 'USER', email: a.user, profileId: String(100_000_000_000_000_000_000n + BigInt(hashSeed(3, a.user))) },
    ipAddress: a.ip,
    events: [{ type, name: a.rawAction, parameters: params }],
  };
}
