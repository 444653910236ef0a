/**
 * Vendor rules that decide an action from more than the operation name: forwarding
 * targets, sharing audiences, who a credential is for, sign-in error codes, outcomes.
 * Records are minimal but in each vendor's real shape.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Activity } from '../../../src/events/activity.js';
import { normalizeRecord } from '../../../src/events/normalize/index.js';

const NOW = Date.UTC(2025, 5, 1);

function one(record: unknown): Activity {
  const res = normalizeRecord(record, { now: NOW });
  assert.equal(res.rejections.length, 0, JSON.stringify(res.rejections));
  assert.equal(res.activities.length, 1);
  return res.activities[0];
}

const o365 = (o: Record<string, unknown>) => ({ CreationTime: '2025-05-01T10:00:00', Id: 'x', OrganizationId: 'org', UserId: 'eve@contoso.com', ClientIP: '198.51.100.1', OrganizationName: 'contoso.onmicrosoft.com', ...o });

describe('o365', () => {
  it('Outlook client rules that forward (UpdateInboxRules) are forwarding rules', () => {
    const a = one(o365({ Operation: 'UpdateInboxRules', Workload: 'Exchange', OperationProperties: [{ Name: 'RuleActions', Value: '[{"ActionType":"Forward","Recipients":["x@evil.example"]}]' }] }));
    assert.equal(a.action, 'mail_forward_rule');
    assert.equal(one(o365({ Operation: 'UpdateInboxRules', Workload: 'Exchange', OperationProperties: [{ Name: 'RuleActions', Value: 'MoveToFolder' }] })).action, 'mail_rule_change');
  });

  it('forwarding to the own organisation is a rule, but not external', () => {
    const internal = one(o365({ Operation: 'New-InboxRule', Workload: 'Exchange', Parameters: [{ Name: 'ForwardTo', Value: 'boss@contoso.com' }] }));
    assert.equal(internal.action, 'mail_forward_rule');
    assert.equal(internal.object?.external, false);
    const external = one(o365({ Operation: 'New-InboxRule', Workload: 'Exchange', Parameters: [{ Name: 'RedirectTo', Value: 'boss@contoso.com;drop@evil.example' }] }));
    assert.equal(external.object?.external, true);
  });

  it('sharing is external only when the target is a guest', () => {
    const base = { Operation: 'SharingInvitationCreated', Workload: 'SharePoint', ObjectId: 'https://contoso.sharepoint.com/a.docx' };
    assert.equal(one(o365({ ...base, TargetUserOrGroupType: 'Guest', TargetUserOrGroupName: 'x@gmail.com' })).action, 'file_share_external');
    assert.equal(one(o365({ ...base, TargetUserOrGroupType: 'Member', TargetUserOrGroupName: 'bob@contoso.com' })).action, 'file_share_internal');
    assert.equal(one(o365({ ...base, Operation: 'AnonymousLinkCreated' })).action, 'file_share_anonymous');
  });

  it('directory operations with or without the full stop; unknown operations are kept as other', () => {
    assert.equal(one(o365({ Operation: 'Add member to role.', Workload: 'AzureActiveDirectory' })).action, 'role_assign');
    assert.equal(one(o365({ Operation: 'Consent to application', Workload: 'AzureActiveDirectory' })).action, 'oauth_consent');
    const other = one(o365({ Operation: 'SomethingNew', Workload: 'Exchange' }));
    assert.equal(other.action, 'other');
    assert.equal(other.rawAction, 'SomethingNew');
  });

  it('Purview audit-search exports wrap the record in AuditData (text or object)', () => {
    const record = o365({ Operation: 'FileDownloaded', Workload: 'SharePoint', ObjectId: 'https://contoso.sharepoint.com/a.docx', Id: 'inner-1' });
    const asText = one({ CreationDate: '2025-05-01T10:00:00.0000000Z', UserIds: 'eve@contoso.com', Operations: 'FileDownloaded', AuditData: JSON.stringify(record) });
    assert.equal(asText.id, 'inner-1');
    assert.equal(asText.action, 'file_download');
    assert.equal(one({ RecordId: 'r', AuditData: record }).id, 'inner-1');
  });

  it('the device a sign-in names is kept', () => {
    const a = one(o365({ Operation: 'UserLoggedIn', Workload: 'AzureActiveDirectory', DeviceProperties: [{ Name: 'Id', Value: 'dev-1' }, { Name: 'OS', Value: 'Windows 10' }, { Name: 'BrowserType', Value: 'Edge' }] }));
    assert.deepEqual(a.device, { id: 'dev-1', family: null, os: 'Windows 10', browser: 'Edge' });
  });
});

describe('entra sign-ins (Graph)', () => {
  const signIn = (errorCode: number) => ({ id: `s-${errorCode}`, createdDateTime: '2025-05-01T10:00:00Z', userPrincipalName: 'Eve@Contoso.com', appDisplayName: 'Office 365', ipAddress: '198.51.100.2', status: { errorCode, failureReason: errorCode ? 'reason' : null }, deviceDetail: { deviceId: '', operatingSystem: 'iOS 17', browser: 'Safari' } });
  it('error codes decide between login, login_failed, mfa_challenge and mfa_failed', () => {
    assert.equal(one(signIn(0)).action, 'login');
    assert.equal(one(signIn(50126)).action, 'login_failed');
    assert.equal(one(signIn(50074)).action, 'mfa_challenge');
    assert.equal(one(signIn(500121)).action, 'mfa_failed');
    assert.equal(one(signIn(50126)).failureReason, 'reason');
    assert.deepEqual(one(signIn(0)).device, { id: null, family: null, os: 'iOS 17', browser: 'Safari' });
  });
});

describe('entra sign-ins (Sentinel SigninLogs table)', () => {
  it('reads PascalCase columns, JSON-in-string DeviceDetail and the table name', () => {
    const row = { TenantId: 't-1', TimeGenerated: '2025-05-01T10:00:05.1234567Z', Type: 'AADNonInteractiveUserSignInLogs', Id: 'row-1', UserPrincipalName: 'Eve@Contoso.com', AppDisplayName: 'Azure Portal', IPAddress: '198.51.100.9', ResultType: '50076', ResultDescription: 'MFA required', DeviceDetail: '{"deviceId":"d-9","operatingSystem":"Windows10","browser":"Edge 120"}' };
    const a = one(row);
    assert.equal(a.vendor, 'entra');
    assert.equal(a.id, 'row-1');
    assert.equal(a.time, Date.UTC(2025, 4, 1, 10, 0, 5, 123));
    assert.equal(a.user, 'eve@contoso.com');
    assert.equal(a.action, 'mfa_challenge');
    assert.equal(a.failureReason, 'MFA required');
    assert.equal(a.tenant, 't-1');
    assert.deepEqual(a.device, { id: 'd-9', family: null, os: 'Windows10', browser: 'Edge 120' });
  });
});

describe('cloudtrail', () => {
  const ct = (o: Record<string, unknown>) => ({ eventVersion: '1.08', eventID: 'e', eventTime: '2025-05-01T10:00:00Z', eventSource: 'iam.amazonaws.com', recipientAccountId: '111', sourceIPAddress: '198.51.100.3', userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111:user/Eve', userName: 'Eve' }, ...o });
  it('access keys: for oneself a token, for another user a planted credential', () => {
    assert.equal(one(ct({ eventName: 'CreateAccessKey', requestParameters: { userName: 'Eve' } })).action, 'token_create');
    assert.equal(one(ct({ eventName: 'CreateAccessKey', requestParameters: { userName: 'backup-admin' } })).action, 'app_credential_add');
  });

  it('snapshot sharing is external only when permissions are added', () => {
    assert.equal(one(ct({ eventSource: 'ec2.amazonaws.com', eventName: 'ModifySnapshotAttribute', requestParameters: { snapshotId: 'snap-1', createVolumePermission: { add: { items: [{ userId: '222' }] } } } })).action, 'file_share_external');
    assert.equal(one(ct({ eventSource: 'ec2.amazonaws.com', eventName: 'ModifySnapshotAttribute', requestParameters: { snapshotId: 'snap-1', createVolumePermission: { remove: { items: [{ userId: '222' }] } } } })).action, 'resource_modify');
  });

  it('failed console logins and API errors are failures with their reason', () => {
    const login = one(ct({ eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', errorMessage: 'Failed authentication', responseElements: { ConsoleLogin: 'Failure' } }));
    assert.equal(login.action, 'login_failed');
    assert.equal(login.failureReason, 'Failed authentication');
    const denied = one(ct({ eventName: 'AttachUserPolicy', errorCode: 'AccessDenied', errorMessage: 'not authorized' }));
    assert.equal(denied.action, 'role_assign');
    assert.equal(denied.outcome, 'failure');
    assert.match(denied.failureReason ?? '', /AccessDenied/);
  });

  it('AWS services act as their service principal; versioned API names are read', () => {
    const a = one(ct({ eventSource: 'lambda.amazonaws.com', eventName: 'UpdateFunctionCode20150331v2', sourceIPAddress: 'lambda.amazonaws.com', userIdentity: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' } }));
    assert.equal(a.user, 'lambda.amazonaws.com');
    assert.equal(a.action, 'resource_modify');
    assert.equal(a.ip, null);
  });
});

describe('google workspace, dropbox, okta', () => {
  it('drive visibility decides internal / external / anonymous sharing', () => {
    const item = (visibility: string) => ({ kind: 'admin#reports#activity', id: { time: '2025-05-01T10:00:00.000Z', uniqueQualifier: '1', applicationName: 'drive', customerId: 'C1' }, actor: { email: 'eve@contoso.com' }, events: [{ type: 'acl_change', name: 'change_document_visibility', parameters: [{ name: 'visibility', value: visibility }, { name: 'doc_id', value: 'd1' }] }] });
    assert.equal(one(item('shared_internally')).action, 'file_share_internal');
    assert.equal(one(item('shared_externally')).action, 'file_share_external');
    assert.equal(one(item('people_with_link')).action, 'file_share_anonymous');
  });

  it('dropbox: adding a non-team member to shared content is external sharing; the id is a stable hash', () => {
    const ev = { timestamp: '2025-05-01T10:00:00Z', event_type: { '.tag': 'shared_content_add_member' }, actor: { '.tag': 'user', user: { email: 'eve@contoso.com' } }, involve_non_team_member: true, assets: [{ '.tag': 'file', display_name: 'a.pdf', file_id: 'id:1' }] };
    const a = one(ev);
    assert.equal(a.action, 'file_share_external');
    assert.equal(a.object?.external, true);
    assert.equal(one(JSON.parse(JSON.stringify(ev))).id, a.id);
    assert.notEqual(one({ ...ev, timestamp: '2025-05-01T10:00:01Z' }).id, a.id);
  });

  it('okta: a failed session start is login_failed, a denied push is mfa_failed', () => {
    const ev = (eventType: string, result: string) => ({ uuid: 'u', published: '2025-05-01T10:00:00.000Z', eventType, actor: { alternateId: 'Eve@Contoso.com', type: 'User' }, client: { ipAddress: '198.51.100.5', userAgent: { rawUserAgent: 'Mozilla/5.0', os: 'UNKNOWN', browser: 'CHROME' } }, outcome: { result, reason: 'INVALID_CREDENTIALS' } });
    const failed = one(ev('user.session.start', 'FAILURE'));
    assert.equal(failed.action, 'login_failed');
    assert.equal(failed.failureReason, 'INVALID_CREDENTIALS');
    assert.deepEqual(failed.device, { id: null, family: null, os: null, browser: 'CHROME' });
    assert.equal(one(ev('user.authentication.auth_via_mfa', 'FAILURE')).action, 'mfa_failed');
    assert.equal(one(ev('user.session.start', 'SUCCESS')).action, 'login');
  });
});
