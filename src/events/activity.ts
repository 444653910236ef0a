/**
 * The Activity: one normalised event from any vendor. Defined once here with TypeBox;
 * the TypeScript type, the compiled validator, the Fastify schemas and the docs all
 * come from this one definition.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

export const ACTIVITY_SCHEMA_VERSION = 1;

/** Normalised verbs. Vendors map their operation names onto these; anything else is `other`. */
export const ACTIONS = [
  'login', 'login_failed', 'logout', 'mfa_challenge', 'mfa_failed', 'password_change', 'password_reset',
  'mfa_change', 'session_revoke',
  'file_download', 'file_upload', 'file_access', 'file_modify', 'file_delete', 'file_share_internal',
  'file_share_external', 'file_share_anonymous', 'file_sync',
  'mail_access', 'mail_send', 'mail_forward_rule', 'mail_rule_change', 'mailbox_permission',
  'user_create', 'user_delete', 'user_modify', 'user_disable', 'user_enable', 'role_assign', 'role_remove',
  'group_change', 'admin_setting_change', 'oauth_consent', 'app_create', 'app_credential_add', 'token_create',
  'api_call', 'resource_create', 'resource_delete', 'resource_modify', 'secret_access', 'logging_disable',
  'data_export', 'repo_access', 'repo_clone', 'repo_visibility_change', 'message_send', 'channel_change',
  'other',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Actions an attacker uses to keep access or widen it; the features treat them apart. */
export const SENSITIVE_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  'role_assign', 'user_create', 'mail_forward_rule', 'mail_rule_change', 'mailbox_permission', 'oauth_consent',
  'file_share_external', 'file_share_anonymous', 'app_credential_add', 'token_create', 'admin_setting_change',
  'mfa_change', 'logging_disable', 'repo_visibility_change', 'data_export',
]);

export const VENDORS = ['o365', 'entra', 'gworkspace', 'github', 'slack', 'dropbox', 'cloudtrail', 'okta', 'generic'] as const;
export type Vendor = (typeof VENDORS)[number];

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const GeoSchema = Type.Object({
  country: Type.Union([Type.String({ description: 'ISO 3166-1 alpha-2 country code' }), Type.Null()]),
  city: Type.Union([Type.String(), Type.Null()]),
  lat: Type.Union([Type.Number({ minimum: -90, maximum: 90 }), Type.Null()]),
  lon: Type.Union([Type.Number({ minimum: -180, maximum: 180 }), Type.Null()]),
  timeZone: Type.Union([Type.String({ description: 'IANA time zone of the location' }), Type.Null()]),
  /** Set when the IP is private, loopback, link-local or otherwise not routable. */
  privateIp: Type.Optional(Type.Boolean()),
}, { $id: 'Geo', description: 'Location of the source IP, from offline GeoIP enrichment' });

export const DeviceSchema = Type.Object({
  /** Vendor device id when the log has one (Entra deviceId, Google device_id…). */
  id: Type.Union([Type.String(), Type.Null()]),
  /** Coarse family used by the features: desktop, mobile, tablet, bot, cli, unknown. */
  family: Type.Union([Type.String(), Type.Null()]),
  os: Type.Union([Type.String(), Type.Null()]),
  browser: Type.Union([Type.String(), Type.Null()]),
}, { $id: 'Device' });

export const ObjectRefSchema = Type.Object({
  type: Type.Union([Type.String({ description: 'file, folder, mailbox, user, role, app, repo, bucket, …' }), Type.Null()]),
  id: Type.Union([Type.String(), Type.Null()]),
  name: Type.Union([Type.String(), Type.Null()]),
  /** True when the action exposes the object outside the tenant (external share, public repo…). */
  external: Type.Boolean(),
  bytes: Type.Union([Type.Number({ minimum: 0 }), Type.Null()]),
}, { $id: 'ObjectRef', description: 'What the action was done to' });

export const LabelSchema = Type.Object({
  malicious: Type.Boolean(),
  campaign: Type.Optional(Type.String()),
  scenario: Type.Optional(Type.String()),
  technique: Type.Optional(Type.String({ description: 'MITRE ATT&CK technique id, e.g. T1110.003' })),
}, { $id: 'Label', description: 'Ground truth, only in labelled data; never read by features or models' });

export const ActivitySchema = Type.Object({
  schemaVersion: Type.Literal(ACTIVITY_SCHEMA_VERSION),
  /** The vendor's own event id (so a score joins back to its record), else a stable hash of the record. */
  id: Type.String({ minLength: 1, maxLength: 512 }),
  /** Event time (when it happened, not when it arrived), epoch milliseconds. */
  time: Type.Number({ description: 'event time, epoch ms' }),
  vendor: Type.Union(VENDORS.map((v) => Type.Literal(v))),
  /** Tenant / organisation / account the event belongs to. */
  tenant: Type.String({ maxLength: 512 }),
  /** Acting principal, lower-cased (UPN, e-mail, login, ARN). */
  user: Type.String({ minLength: 1, maxLength: 512 }),
  /** The application or service used (Exchange, SharePoint, Drive, the OAuth client, the AWS service…). */
  app: Type.String({ maxLength: 512 }),
  action: Type.Union(ACTIONS.map((a) => Type.Literal(a))),
  /** The vendor's own operation name, kept verbatim. */
  rawAction: Type.String({ maxLength: 512 }),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('unknown')]),
  /** Vendor failure reason / error code when the outcome is failure. */
  failureReason: Type.Optional(Nullable(Type.String({ maxLength: 1024 }))),
  ip: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
  geo: Type.Union([GeoSchema, Type.Null()]),
  /** Autonomous system number and organisation of the source IP. */
  asn: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
  asnOrg: Type.Optional(Nullable(Type.String({ maxLength: 512 }))),
  userAgent: Type.Union([Type.String({ maxLength: 2048 }), Type.Null()]),
  device: Type.Union([DeviceSchema, Type.Null()]),
  object: Type.Union([ObjectRefSchema, Type.Null()]),
  label: Type.Optional(LabelSchema),
}, { $id: 'Activity', additionalProperties: false });

export type Geo = Static<typeof GeoSchema>;
export type Device = Static<typeof DeviceSchema>;
export type ObjectRef = Static<typeof ObjectRefSchema>;
export type Label = Static<typeof LabelSchema>;
export type Activity = Static<typeof ActivitySchema>;

export const activityValidator = TypeCompiler.Compile(ActivitySchema);

/**
 * Validates an unknown value as an Activity: the first problem, or null. `path` is undefined
 * only if TypeBox lists no error for a value it refuses.
 */
export function activityError(value: unknown): { path: string | undefined; message: string } | null {
  if (activityValidator.Check(value)) return null;
  const first = activityValidator.Errors(value).First();
  return first ? { path: first.path, message: first.message } : { path: undefined, message: 'not an Activity' };
}

/** Validates an unknown value as an Activity; returns the first problem as text, or null. */
export function activityProblem(value: unknown): string | null {
  const error = activityError(value);
  if (!error) return null;
  return error.path === undefined ? error.message : `${error.path || '/'}: ${error.message}`;
}
