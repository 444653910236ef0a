/**
 * AWS CloudTrail records (the `Records` envelope of S3 log files, bare records from
 * EventBridge / CloudWatch / Lake exports). The principal comes from `userIdentity`
 * (arn, then userName, then principalId; the invoking service for AWSService calls).
 * Actions cover the techniques of Stratus Red Team: disabling logging, reading
 * secrets, minting keys and tokens, attaching policies, sharing snapshots and images.
 */
import type { Action } from '../../activity.js';
import type { Draft } from '../build.js';
import { field, first, isRec, list, path, str, type Rec } from '../fields.js';

export const CLOUDTRAIL_ACTIONS: ReadonlyMap<string, Action> = new Map<string, Action>([
  ['ConsoleLogin', 'login'],
  ['CheckMfa', 'mfa_challenge'],
  ['StopLogging', 'logging_disable'],
  ['DeleteTrail', 'logging_disable'],
  ['UpdateTrail', 'logging_disable'],
  ['PutEventSelectors', 'logging_disable'],
  ['PutInsightSelectors', 'logging_disable'],
  ['DeleteFlowLogs', 'logging_disable'],
  ['DeleteResolverQueryLogConfig', 'logging_disable'],
  ['DisassociateResolverQueryLogConfig', 'logging_disable'],
  ['DeleteQueryLoggingConfig', 'logging_disable'],
  ['DeleteDetector', 'logging_disable'],
  ['DisableSecurityHub', 'logging_disable'],
  ['StopConfigurationRecorder', 'logging_disable'],
  ['DeleteConfigurationRecorder', 'logging_disable'],
  ['DeleteLogGroup', 'logging_disable'],
  ['DeleteLogStream', 'logging_disable'],
  ['PutBucketLogging', 'logging_disable'],
  ['LeaveOrganization', 'admin_setting_change'],
  ['GetSecretValue', 'secret_access'],
  ['BatchGetSecretValue', 'secret_access'],
  ['GetParameter', 'secret_access'],
  ['GetParameters', 'secret_access'],
  ['GetParametersByPath', 'secret_access'],
  ['GetPasswordData', 'secret_access'],
  ['GetSecretString', 'secret_access'],
  ['CreateAccessKey', 'app_credential_add'],
  ['UpdateAccessKey', 'app_credential_add'],
  // Login profiles and access keys: for oneself a password change / token, for another
  // user a credential planted on them (decided per record below).
  ['CreateLoginProfile', 'app_credential_add'],
  ['UpdateLoginProfile', 'app_credential_add'],
  ['ChangePassword', 'password_change'],
  ['CreateVirtualMFADevice', 'mfa_change'],
  ['EnableMFADevice', 'mfa_change'],
  ['DeactivateMFADevice', 'mfa_change'],
  ['DeleteVirtualMFADevice', 'mfa_change'],
  ['GetFederationToken', 'token_create'],
  ['GetSessionToken', 'token_create'],
  ['CreateTrustAnchor', 'app_credential_add'],
  ['CreateProfile', 'app_credential_add'],
  ['UploadSSHPublicKey', 'app_credential_add'],
  ['SendSSHPublicKey', 'app_credential_add'],
  ['SendSerialConsoleSSHPublicKey', 'app_credential_add'],
  ['CreateKeyPair', 'app_credential_add'],
  ['ImportKeyPair', 'app_credential_add'],
  ['CreateUser', 'user_create'],
  ['DeleteUser', 'user_delete'],
  ['AttachUserPolicy', 'role_assign'],
  ['AttachRolePolicy', 'role_assign'],
  ['AttachGroupPolicy', 'role_assign'],
  ['PutUserPolicy', 'role_assign'],
  ['PutRolePolicy', 'role_assign'],
  ['PutGroupPolicy', 'role_assign'],
  ['AddUserToGroup', 'role_assign'],
  ['UpdateAssumeRolePolicy', 'role_assign'],
  ['CreatePolicyVersion', 'role_assign'],
  ['SetDefaultPolicyVersion', 'role_assign'],
  ['DetachUserPolicy', 'role_remove'],
  ['DetachRolePolicy', 'role_remove'],
  ['DetachGroupPolicy', 'role_remove'],
  ['RemoveUserFromGroup', 'role_remove'],
  ['GetObject', 'file_download'],
  ['PutObject', 'file_upload'],
  ['DeleteObject', 'file_delete'],
  ['DeleteObjects', 'file_delete'],
  ['CopyObject', 'file_modify'],
  ['ModifySnapshotAttribute', 'file_share_external'],
  ['ModifyImageAttribute', 'file_share_external'],
  ['ModifyDBSnapshotAttribute', 'file_share_external'],
  ['ModifyDBClusterSnapshotAttribute', 'file_share_external'],
  ['PutBucketPolicy', 'resource_modify'],
  ['PutBucketAcl', 'resource_modify'],
  ['DeletePublicAccessBlock', 'resource_modify'],
  ['AuthorizeSecurityGroupIngress', 'resource_modify'],
  ['RunInstances', 'resource_create'],
  ['SendCommand', 'api_call'],
  ['StartSession', 'api_call'],
  ['InvokeModel', 'api_call'],
  ['AssumeRole', 'api_call'],
  ['AssumeRoleWithSAML', 'login'],
  ['AssumeRoleWithWebIdentity', 'login'],
  ['CreateExportTask', 'data_export'],
]);

/** Requests that add (not remove) a sharing permission: only those are an exposure. */
function sharesOutward(name: string, params: unknown): boolean {
  if (!isRec(params)) return true;
  if (name === 'ModifySnapshotAttribute') return isRec(path(params, 'createVolumePermission', 'add'));
  if (name === 'ModifyImageAttribute') return isRec(path(params, 'launchPermission', 'add'));
  if (name.startsWith('ModifyDB')) return list(field(params, 'valuesToAdd')).length > 0;
  return true;
}

/** API names that do not appear in the table, by verb: a fallback better than `other` for thousands of AWS APIs. */
function byVerb(name: string): Action {
  if (/^(Get|List|Describe|Head|Lookup|Search|Select|Query|Scan|Batch(Get|Describe))/.test(name)) return 'api_call';
  if (/^(Create|Run|Launch|Start|Allocate|Import|Publish|Register|Request)/.test(name)) return 'resource_create';
  if (/^(Delete|Terminate|Remove|Release|Deregister|Stop|Disable)/.test(name)) return 'resource_delete';
  if (/^(Put|Update|Modify|Set|Attach|Detach|Associate|Disassociate|Enable|Add|Tag|Untag|Replace|Reset|Change|Invoke)/.test(name)) return 'resource_modify';
  return 'other';
}

function userOf(r: Rec): unknown {
  const id = field(r, 'userIdentity');
  if (!isRec(id)) return undefined;
  const type = str(field(id, 'type'));
  if (type === 'AWSService') return first(id, ['invokedBy', 'principalId']);
  return first(id, ['arn', 'userName', 'principalId']) ?? path(id, 'sessionContext', 'sessionIssuer', 'arn') ?? field(id, 'accountId');
}

function objectOf(r: Rec, name: string): Draft['object'] {
  const params = field(r, 'requestParameters');
  const resource = list(field(r, 'resources')).find(isRec);
  const external = name.startsWith('Modify') && name.endsWith('Attribute') && sharesOutward(name, params);
  if (isRec(params)) {
    const bucket = str(field(params, 'bucketName'));
    if (bucket !== null) {
      const key = str(field(params, 'key'));
      return { type: key !== null ? 'object' : 'bucket', id: key !== null ? `s3://${bucket}/${key}` : `s3://${bucket}`, name: key ?? bucket, external: false, bytes: null };
    }
    const idField = first(params, ['secretId', 'name', 'snapshotId', 'imageId', 'dBSnapshotIdentifier', 'userName', 'roleName', 'groupName', 'policyArn', 'functionName', 'trailName', 'instanceId']);
    const id = str(idField);
    if (id !== null) return { type: null, id, name: id, external, bytes: null };
  }
  if (resource) return { type: str(field(resource, 'type')), id: str(first(resource, ['ARN', 'arn'])), name: null, external, bytes: null };
  return null;
}

export function normalizeCloudtrail(r: Rec): Draft {
  // Lambda and a few others version their API names: "UpdateFunctionCode20150331v2".
  const fullName = str(field(r, 'eventName')) ?? '';
  const name = fullName.replace(/\d{8}(v\d+)?$/, '');
  const errorCode = str(field(r, 'errorCode'));
  let action = CLOUDTRAIL_ACTIONS.get(name) ?? byVerb(name);
  let outcome: Draft['outcome'] = errorCode === null ? 'success' : 'failure';
  let failureReason = errorCode === null ? null : `${errorCode}${str(field(r, 'errorMessage')) ? `: ${str(field(r, 'errorMessage'))}` : ''}`;
  if (name === 'ConsoleLogin') {
    const result = str(path(r, 'responseElements', 'ConsoleLogin'));
    if (result === 'Failure' || errorCode !== null) {
      action = 'login_failed';
      outcome = 'failure';
      failureReason = str(field(r, 'errorMessage')) ?? result;
    }
  }
  if (action === 'file_share_external' && !sharesOutward(name, field(r, 'requestParameters'))) action = 'resource_modify';
  if (name === 'CreateAccessKey' || name === 'CreateLoginProfile' || name === 'UpdateLoginProfile') {
    const target = str(path(r, 'requestParameters', 'userName'));
    if (target === null || target === str(path(r, 'userIdentity', 'userName'))) action = name === 'CreateAccessKey' ? 'token_create' : 'password_change';
  }
  // Instance user data is where launch scripts keep their secrets.
  if (name === 'DescribeInstanceAttribute' && str(path(r, 'requestParameters', 'attribute')) === 'userData') action = 'secret_access';
  const source = str(field(r, 'eventSource')) ?? '';
  return {
    id: str(field(r, 'eventID')),
    time: first(r, ['eventTime', '@timestamp']),
    tenant: str(first(r, ['recipientAccountId'])) ?? str(path(r, 'userIdentity', 'accountId')),
    user: userOf(r),
    app: source.replace(/\.amazonaws\.com$/, '') || null,
    action,
    rawAction: fullName,
    outcome,
    failureReason,
    ip: field(r, 'sourceIPAddress'),
    userAgent: str(field(r, 'userAgent')),
    device: null,
    object: objectOf(r, name),
  };
}
