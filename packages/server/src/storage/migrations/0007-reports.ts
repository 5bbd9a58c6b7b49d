import { type Kysely, sql } from "kysely";

// Compliance alerts and payroll exports (issue 7). An alert is stored once per employee and
// finding (`key`, which the labour engine derives from the facts), so re-running the check after
// every session change adds only what is new. Exports are a job queue of their own: workers
// claim queued jobs with `FOR UPDATE SKIP LOCKED` and a lease, like the webhook dispatcher; the
// file's bytes live in a table of their own, so that listing exports never reads them.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement per query: PGlite's extended protocol takes a single statement at a time.
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

const STATEMENTS = [
  `create table compliance_alerts (
    id text primary key,
    organization_id text not null references organizations(id),
    employee_id text not null references employees(id),
    key text not null,
    kind text not null,
    severity text not null,
    rule text not null,
    country text not null,
    period_start timestamptz not null,
    period_end timestamptz not null,
    details jsonb not null,
    message text not null,
    session_ids jsonb not null,
    created_at timestamptz not null,
    acknowledged_at timestamptz,
    acknowledged_by text,
    unique (organization_id, employee_id, key)
  )`,
  // Lists: newest first, per organization and per employee.
  `create index compliance_alerts_org on compliance_alerts (organization_id, created_at desc, id desc)`,
  `create index compliance_alerts_employee on compliance_alerts (organization_id, employee_id, created_at desc)`,
  `create table exports (
    id text primary key,
    organization_id text not null references organizations(id),
    format text not null,
    month text not null,
    employee_ids jsonb,
    options jsonb not null,
    status text not null,
    progress integer not null default 0,
    error jsonb,
    file_name text,
    file_media_type text,
    file_charset text,
    file_size integer,
    file_sha256 text,
    created_by text not null references employees(id),
    created_at timestamptz not null,
    started_at timestamptz,
    completed_at timestamptz,
    attempts integer not null default 0,
    lease_owner text,
    lease_until timestamptz
  )`,
  `create index exports_org on exports (organization_id, created_at desc, id desc)`,
  // What workers claim: unfinished jobs, oldest first.
  `create index exports_pending on exports (created_at) where status in ('queued', 'running')`,
  // At most one unfinished export per organization, format and month (the 409 of createExport,
  // race-free).
  `create unique index exports_one_active on exports (organization_id, format, month)
    where status in ('queued', 'running')`,
  `create table export_files (
    export_id text primary key references exports(id) on delete cascade,
    bytes bytea not null
  )`,
];
