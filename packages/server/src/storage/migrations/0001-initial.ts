import { type Kysely, sql } from "kysely";

// The first schema. Every table carries organization_id, and every lookup filters on it:
// tenancy is enforced in each query, and the indexes lead with it.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement per query: PGlite's extended protocol takes a single statement at a time.
  for (const statement of SCHEMA.split(/;\s*\n/).filter((s) => s.trim())) {
    await sql.raw(statement).execute(db);
  }
}

const SCHEMA = `
    create table organizations (
      id text primary key,
      name text not null,
      country text not null,
      time_zone text not null,
      currency text not null,
      settings jsonb not null,
      mode text not null default 'live',
      created_at timestamptz not null,
      updated_at timestamptz not null
    );

    create table employees (
      id text primary key,
      organization_id text not null references organizations(id),
      name text not null,
      email text not null,
      role text not null,
      status text not null,
      manager_id text references employees(id),
      country text not null,
      time_zone text not null,
      weekly_hours_norm double precision not null,
      hourly_rate_minor integer,
      hourly_rate_currency text,
      payroll_number text,
      clock_card_number text,
      metadata jsonb not null default '{}',
      created_at timestamptz not null,
      updated_at timestamptz not null,
      deactivated_at timestamptz
    );
    create unique index employees_email on employees (organization_id, lower(email));
    create index employees_name on employees (organization_id, name, id);
    create index employees_manager on employees (organization_id, manager_id);

    create table api_keys (
      id text primary key,
      organization_id text not null references organizations(id),
      employee_id text not null references employees(id),
      name text not null,
      scope text not null,
      mode text not null,
      prefix text not null,
      last_four text not null,
      secret_hash text not null unique,
      rate_limit_per_hour integer not null,
      expires_at timestamptz,
      last_used_at timestamptz,
      last_used_ip text,
      revoked_at timestamptz,
      rotated_to text,
      created_at timestamptz not null,
      created_by text not null
    );
    create index api_keys_org on api_keys (organization_id, id);

    create table projects (
      id text primary key,
      organization_id text not null references organizations(id),
      name text not null,
      code text,
      client_name text,
      color text not null,
      status text not null,
      billable boolean not null,
      hourly_rate_minor integer,
      hourly_rate_currency text,
      budget_hours double precision,
      description text,
      metadata jsonb not null default '{}',
      created_at timestamptz not null,
      updated_at timestamptz not null,
      closed_at timestamptz
    );
    create index projects_name on projects (organization_id, name, id);
    create unique index projects_code on projects (organization_id, upper(code)) where code is not null;

    create table tasks (
      id text primary key,
      organization_id text not null references organizations(id),
      project_id text not null references projects(id),
      name text not null,
      description text,
      status text not null,
      assignee_ids jsonb not null default '[]',
      estimate_seconds integer,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      closed_at timestamptz
    );
    create index tasks_project on tasks (organization_id, project_id, id);

    create table sessions (
      id text primary key,
      organization_id text not null references organizations(id),
      employee_id text not null references employees(id),
      project_id text references projects(id),
      task_id text references tasks(id),
      started_at timestamptz not null,
      ended_at timestamptz,
      billable boolean not null,
      source text not null,
      note text,
      metadata jsonb not null default '{}',
      approval_status text not null,
      approved_by text,
      approved_at timestamptz,
      rejection_reason text,
      activity_percent integer,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    -- One running session per employee, enforced by the database under any concurrency.
    create unique index sessions_one_running on sessions (employee_id) where ended_at is null;
    create index sessions_employee_time on sessions (organization_id, employee_id, started_at);
    create index sessions_org_id on sessions (organization_id, id);

    create table activities (
      id text primary key,
      organization_id text not null references organizations(id),
      session_id text not null references sessions(id) on delete cascade,
      employee_id text not null references employees(id),
      period_start timestamptz not null,
      period_end timestamptz not null,
      keyboard_percent integer not null,
      mouse_percent integer not null,
      overall_percent integer not null,
      apps jsonb not null,
      urls jsonb not null,
      created_at timestamptz not null,
      unique (session_id, period_start)
    );
    create index activities_org on activities (organization_id, employee_id, period_start);

    create table leave_requests (
      id text primary key,
      organization_id text not null references organizations(id),
      employee_id text not null references employees(id),
      type text not null,
      status text not null,
      start_date date not null,
      end_date date not null,
      half_day_start boolean not null,
      half_day_end boolean not null,
      days double precision not null,
      hours double precision not null,
      note text,
      decided_by text,
      decided_at timestamptz,
      decision_note text,
      cancelled_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );
    create index leave_requests_employee on leave_requests (organization_id, employee_id, start_date);

    create table events (
      id text primary key,
      organization_id text not null references organizations(id),
      type text not null,
      api_version text not null,
      data jsonb not null,
      resource_ids jsonb not null,
      employee_id text,
      created_at timestamptz not null
    );
    create index events_org on events (organization_id, id);

    create table audit_log (
      id text primary key,
      organization_id text not null references organizations(id),
      occurred_at timestamptz not null,
      actor_type text not null,
      actor_employee_id text,
      actor_api_key_id text,
      actor_oauth_app_id text,
      action text not null,
      method text,
      path text,
      status integer,
      duration_ms double precision,
      request_id text,
      user_agent text,
      ip text,
      resource_type text,
      resource_id text,
      changes jsonb
    );
    create index audit_log_org on audit_log (organization_id, id);
    create index audit_log_key on audit_log (organization_id, actor_api_key_id, id);

    create table idempotency_keys (
      api_key_id text not null,
      key text not null,
      organization_id text not null,
      method text not null,
      path text not null,
      body_hash text not null,
      status integer,
      response_body text,
      response_content_type text,
      created_at timestamptz not null,
      primary key (api_key_id, key)
    );
`;
