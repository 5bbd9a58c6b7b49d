import { type Kysely, sql } from "kysely";

// The OAuth 2.0 authorization server (spec/src/80-oauth.yaml): apps (clients), authorization
// codes, access and refresh tokens, the grants users gave apps, and the consent page's sign-in
// sessions. Every secret (client secret, code, token, session) is stored as its SHA-256 hash
// only. Each table is named `oauth_…` and carries `organization_id`: a sandbox reset keeps them
// (src/sandbox/seed.ts `keptOnReset`), and their foreign keys to employees keep the employees
// they act for. Deleting an app deletes its codes, tokens and grants with it.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement per query: PGlite's extended protocol takes a single statement at a time.
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

const STATEMENTS = [
  `create table oauth_apps (
    id text primary key,
    organization_id text not null references organizations(id),
    name text not null,
    description text,
    redirect_uris jsonb not null,
    allowed_scopes jsonb not null,
    grant_types jsonb not null,
    confidential boolean not null,
    client_secret_hash text,
    client_credentials_employee_id text references employees(id),
    mode text not null,
    created_by text not null references employees(id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    unique (organization_id, name)
  )`,
  `create index oauth_apps_org on oauth_apps (organization_id, id desc)`,
  `create table oauth_codes (
    code_hash text primary key,
    organization_id text not null references organizations(id),
    app_id text not null references oauth_apps(id) on delete cascade,
    employee_id text not null references employees(id),
    redirect_uri text not null,
    scopes text not null,
    code_challenge text not null,
    family_id text not null,
    mode text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz
  )`,
  `create index oauth_codes_app on oauth_codes (app_id)`,
  // Access and refresh tokens. A family is everything issued from one authorization (a code, or
  // one client-credentials request) and the refreshes that followed: reuse of a code or of a
  // rotated refresh token revokes the family.
  `create table oauth_tokens (
    token_hash text primary key,
    kind text not null,
    family_id text not null,
    organization_id text not null references organizations(id),
    app_id text not null references oauth_apps(id) on delete cascade,
    employee_id text not null references employees(id),
    scopes text not null,
    mode text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    revoked_at timestamptz,
    rotated_at timestamptz
  )`,
  `create index oauth_tokens_family on oauth_tokens (family_id)`,
  `create index oauth_tokens_app on oauth_tokens (app_id)`,
  `create table oauth_grants (
    app_id text not null references oauth_apps(id) on delete cascade,
    employee_id text not null references employees(id),
    organization_id text not null references organizations(id),
    scopes text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    primary key (app_id, employee_id)
  )`,
  `create table oauth_sessions (
    session_hash text primary key,
    organization_id text not null references organizations(id),
    employee_id text not null references employees(id),
    mode text not null,
    full_scope boolean not null,
    created_at timestamptz not null,
    expires_at timestamptz not null
  )`,
  `create index oauth_sessions_expiry on oauth_sessions (expires_at)`,
];
