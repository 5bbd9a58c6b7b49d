import type { ColumnType, Insertable, Selectable, Updateable } from "kysely";

// The tables, as Kysely sees them. Timestamps are timestamptz (Date in, Date out); jsonb
// columns hold plain JSON values; money is stored as minor units + currency.
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface OrganizationTable {
  id: string;
  name: string;
  country: "PL" | "CZ";
  time_zone: string;
  currency: "PLN" | "CZK" | "EUR";
  settings: Json<OrganizationSettings>;
  mode: "live" | "test";
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrganizationSettings {
  weekly_hours_norm: number;
  daily_hours_norm: number;
  settlement_period_months: number;
  night_start: string;
  night_end: string;
  overtime: { weekly_threshold_hours: number; yearly_cap_hours: number; yearly_warning_ratio: number };
  leave: { annual_days: number; on_demand_days: number };
}

export interface EmployeeTable {
  id: string;
  organization_id: string;
  name: string;
  email: string;
  role: "admin" | "manager" | "employee";
  status: "active" | "deactivated";
  manager_id: string | null;
  country: "PL" | "CZ";
  time_zone: string;
  weekly_hours_norm: number;
  hourly_rate_minor: number | null;
  hourly_rate_currency: string | null;
  payroll_number: string | null;
  clock_card_number: string | null;
  metadata: Json<Record<string, string>>;
  created_at: Timestamp;
  updated_at: Timestamp;
  deactivated_at: Timestamp | null;
}

export interface ApiKeyTable {
  id: string;
  organization_id: string;
  employee_id: string;
  name: string;
  scope: "read" | "full";
  mode: "live" | "test";
  prefix: string;
  last_four: string;
  /** SHA-256 of the whole secret, hex. The secret itself is never stored. */
  secret_hash: string;
  rate_limit_per_hour: number;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  last_used_ip: string | null;
  revoked_at: Timestamp | null;
  rotated_to: string | null;
  created_at: Timestamp;
  created_by: string;
}

export interface ProjectTable {
  id: string;
  organization_id: string;
  name: string;
  code: string | null;
  client_name: string | null;
  color: string;
  status: "open" | "closed";
  billable: boolean;
  hourly_rate_minor: number | null;
  hourly_rate_currency: string | null;
  budget_hours: number | null;
  description: string | null;
  metadata: Json<Record<string, string>>;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Timestamp | null;
}

export interface TaskTable {
  id: string;
  organization_id: string;
  project_id: string;
  name: string;
  description: string | null;
  status: "open" | "closed";
  assignee_ids: Json<string[]>;
  estimate_seconds: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  closed_at: Timestamp | null;
}

export interface SessionTable {
  id: string;
  organization_id: string;
  employee_id: string;
  project_id: string | null;
  task_id: string | null;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  billable: boolean;
  source: string;
  note: string | null;
  metadata: Json<Record<string, string>>;
  approval_status: "pending" | "approved" | "rejected";
  approved_by: string | null;
  approved_at: Timestamp | null;
  rejection_reason: string | null;
  activity_percent: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ActivityTable {
  id: string;
  organization_id: string;
  session_id: string;
  employee_id: string;
  period_start: Timestamp;
  period_end: Timestamp;
  keyboard_percent: number;
  mouse_percent: number;
  overall_percent: number;
  apps: Json<{ name: string; seconds: number }[]>;
  urls: Json<{ domain: string; seconds: number }[]>;
  created_at: Timestamp;
}

export interface LeaveRequestTable {
  id: string;
  organization_id: string;
  employee_id: string;
  type: string;
  status: "requested" | "approved" | "rejected" | "cancelled";
  start_date: string;
  end_date: string;
  half_day_start: boolean;
  half_day_end: boolean;
  days: number;
  hours: number;
  note: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_note: string | null;
  cancelled_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EventTable {
  id: string;
  organization_id: string;
  type: string;
  api_version: string;
  data: Json<Record<string, unknown>>;
  /** Every id the event is about, for `GET /v1/events?resource_id=` and visibility. */
  resource_ids: Json<string[]>;
  /** The employee the event concerns (null for organization-wide events). */
  employee_id: string | null;
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: string;
  organization_id: string;
  occurred_at: Timestamp;
  actor_type: "user" | "api_key" | "oauth_app" | "system";
  actor_employee_id: string | null;
  actor_api_key_id: string | null;
  actor_oauth_app_id: string | null;
  action: string;
  method: string | null;
  path: string | null;
  status: number | null;
  duration_ms: number | null;
  request_id: string | null;
  user_agent: string | null;
  ip: string | null;
  resource_type: string | null;
  resource_id: string | null;
  changes: Json<Record<string, { from: unknown; to: unknown }>> | null;
}

export interface IdempotencyKeyTable {
  api_key_id: string;
  key: string;
  organization_id: string;
  method: string;
  path: string;
  body_hash: string;
  /** null while the first request is still running. */
  status: number | null;
  response_body: string | null;
  response_content_type: string | null;
  created_at: Timestamp;
}

export interface WebhookEndpointTable {
  id: string;
  organization_id: string;
  url: string | null;
  description: string | null;
  /** Event types, or `["*"]` for all. */
  events: Json<string[]>;
  enabled: boolean;
  employee_id: string | null;
  /** The `whsec_` secret sealed under the master key; never stored in clear. */
  secret_sealed: string;
  secret_prefix: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Timestamp | null;
  secret_rotated_at: Timestamp | null;
  disabled_reason: "gone_410" | "manual" | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One attempt, as `attempts[]` of a delivery lists it. */
export interface WebhookAttemptRecord {
  attempt: number;
  at: string;
  http_status: number | null;
  duration_ms: number | null;
  error_preview: string | null;
}

export interface WebhookDeliveryTable {
  id: string;
  organization_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: "SUCCESS" | "FAILED" | "RETRYING" | "DEAD";
  attempt: ColumnType<number, number | undefined, number>;
  http_status: number | null;
  error_preview: string | null;
  duration_ms: number | null;
  /** When the next attempt is due, while RETRYING. */
  next_attempt_at: Timestamp | null;
  created_at: Timestamp;
  last_attempt_at: Timestamp | null;
  attempts: ColumnType<WebhookAttemptRecord[], string | undefined, string>;
  /** Re-queued by hand: a failed attempt makes it DEAD again, with no automatic retries. */
  manual: ColumnType<boolean, boolean | undefined, boolean>;
  /** The dispatcher that is sending the current attempt, and until when its claim holds. */
  lease_owner: string | null;
  lease_until: Timestamp | null;
}

export interface IncomingWebhookTable {
  id: string;
  organization_id: string;
  name: string;
  /** SHA-256 of the URL's token, hex; the token itself is never stored. */
  token_hash: string;
  url_preview: string;
  acts_as_employee_id: string;
  slack_signing_secret_sealed: string | null;
  rate_limit_per_hour: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
}

/** The figures behind an alert (the spec's `ComplianceAlertDetails`), all in seconds. */
export type ComplianceDetails = Readonly<Record<string, number>>;

export interface ComplianceAlertTable {
  id: string;
  organization_id: string;
  employee_id: string;
  /** The finding's stable key from the labour engine: the same facts give the same key, stored once. */
  key: string;
  kind: string;
  severity: "warning" | "violation";
  rule: string;
  country: "PL" | "CZ";
  period_start: Timestamp;
  period_end: Timestamp;
  details: Json<ComplianceDetails>;
  message: string;
  session_ids: Json<string[]>;
  created_at: Timestamp;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
}

/** Why an export failed (the spec's `Export.error`). */
export interface ExportError {
  code: "missing_identifiers" | "invalid_identifiers" | "internal_error";
  message: string;
  employee_ids: string[];
}

export interface ExportTable {
  id: string;
  organization_id: string;
  format: string;
  /** `YYYY-MM`. */
  month: string;
  /** null: every employee with work or leave in the month. */
  employee_ids: Json<string[] | null>;
  /** The options in effect, defaults included. */
  options: Json<Record<string, unknown>>;
  status: "queued" | "running" | "completed" | "failed";
  progress: ColumnType<number, number | undefined, number>;
  error: Json<ExportError | null>;
  file_name: string | null;
  file_media_type: string | null;
  /** The character encoding of a text file (for `Content-Type`), null for binary files. */
  file_charset: string | null;
  file_size: number | null;
  file_sha256: string | null;
  created_by: string;
  created_at: Timestamp;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  /** How many times a worker claimed it (a crashed worker's job is claimed again). */
  attempts: ColumnType<number, number | undefined, number>;
  /** The worker generating it, and until when its claim holds. */
  lease_owner: string | null;
  lease_until: Timestamp | null;
}

export interface ExportFileTable {
  export_id: string;
  bytes: Uint8Array;
}

/** An OAuth scope, as the spec's `OAuthScope`. */
export type OAuthScopeName = "read" | "write" | "admin";
/** An OAuth grant type, as the spec's `OAuthGrantType`. */
export type OAuthGrantTypeName = "authorization_code" | "client_credentials" | "refresh_token";

export interface OAuthAppTable {
  id: string;
  organization_id: string;
  name: string;
  description: string | null;
  redirect_uris: Json<string[]>;
  allowed_scopes: Json<OAuthScopeName[]>;
  grant_types: Json<OAuthGrantTypeName[]>;
  confidential: boolean;
  /** SHA-256 of the `tcs_` client secret, hex; null for a public app. The secret is never stored. */
  client_secret_hash: string | null;
  client_credentials_employee_id: string | null;
  /** The mode of the credential that created it: its tokens are `test` credentials when it is. */
  mode: "live" | "test";
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OAuthCodeTable {
  /** SHA-256 of the `ac_` code, hex. */
  code_hash: string;
  organization_id: string;
  app_id: string;
  employee_id: string;
  redirect_uri: string;
  /** Space-separated. */
  scopes: string;
  code_challenge: string;
  /** The token family its tokens will belong to (revoked when the code is redeemed twice). */
  family_id: string;
  mode: "live" | "test";
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface OAuthTokenTable {
  /** SHA-256 of the `tcat_` or `tcrt_` token, hex. */
  token_hash: string;
  kind: "access" | "refresh";
  family_id: string;
  organization_id: string;
  app_id: string;
  employee_id: string;
  /** Space-separated. */
  scopes: string;
  mode: "live" | "test";
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  /** When a refresh token was used (and replaced): presenting it again is a reuse. */
  rotated_at: Timestamp | null;
}

export interface OAuthGrantTable {
  app_id: string;
  employee_id: string;
  organization_id: string;
  /** Space-separated: what the user approved for the app so far. */
  scopes: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OAuthSessionTable {
  /** SHA-256 of the consent page's session cookie, hex. */
  session_hash: string;
  organization_id: string;
  employee_id: string;
  mode: "live" | "test";
  /** Signed in with a `full` key: may grant `write` and `admin`. */
  full_scope: boolean;
  created_at: Timestamp;
  expires_at: Timestamp;
}

/** The whole database, for Kysely. */
export interface Database {
  organizations: OrganizationTable;
  employees: EmployeeTable;
  api_keys: ApiKeyTable;
  projects: ProjectTable;
  tasks: TaskTable;
  sessions: SessionTable;
  activities: ActivityTable;
  leave_requests: LeaveRequestTable;
  events: EventTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeyTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
  incoming_webhooks: IncomingWebhookTable;
  compliance_alerts: ComplianceAlertTable;
  exports: ExportTable;
  export_files: ExportFileTable;
  oauth_apps: OAuthAppTable;
  oauth_codes: OAuthCodeTable;
  oauth_tokens: OAuthTokenTable;
  oauth_grants: OAuthGrantTable;
  oauth_sessions: OAuthSessionTable;
}

export type EmployeeRow = Selectable<EmployeeTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type OrganizationRow = Selectable<OrganizationTable>;
export type ProjectRow = Selectable<ProjectTable>;
export type TaskRow = Selectable<TaskTable>;
export type SessionRow = Selectable<SessionTable>;
export type ActivityRow = Selectable<ActivityTable>;
export type LeaveRequestRow = Selectable<LeaveRequestTable>;
export type EventRow = Selectable<EventTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type NewEmployee = Insertable<EmployeeTable>;
export type EmployeeUpdate = Updateable<EmployeeTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
export type IncomingWebhookRow = Selectable<IncomingWebhookTable>;
export type ComplianceAlertRow = Selectable<ComplianceAlertTable>;
export type ExportRow = Selectable<ExportTable>;
export type OAuthAppRow = Selectable<OAuthAppTable>;
export type OAuthTokenRow = Selectable<OAuthTokenTable>;
