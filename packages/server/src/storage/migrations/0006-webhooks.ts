import { type Kysely, sql } from "kysely";

// Outgoing webhooks (endpoints and their deliveries: the outbox the dispatcher works from) and
// incoming webhooks. Secrets are sealed with the master key (src/crypto/secret-box.ts); the
// incoming hooks' URL tokens are stored as SHA-256 hashes only.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement per query: PGlite's extended protocol takes a single statement at a time.
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

const STATEMENTS = [
  `create table webhook_endpoints (
    id text primary key,
    organization_id text not null references organizations(id),
    url text,
    description text,
    events jsonb not null,
    enabled boolean not null,
    employee_id text,
    secret_sealed text not null,
    secret_prefix text not null,
    previous_secret_sealed text,
    previous_secret_expires_at timestamptz,
    secret_rotated_at timestamptz,
    disabled_reason text,
    created_at timestamptz not null,
    updated_at timestamptz not null
  )`,
  `create index webhook_endpoints_org on webhook_endpoints (organization_id, id)`,
  // What the fan-out of each new event reads: the organization's enabled endpoints.
  `create index webhook_endpoints_enabled on webhook_endpoints (organization_id) where enabled`,
  `create table webhook_deliveries (
    id text primary key,
    organization_id text not null references organizations(id),
    endpoint_id text not null references webhook_endpoints(id) on delete cascade,
    event_id text not null references events(id) on delete cascade,
    event_type text not null,
    status text not null,
    attempt integer not null default 0,
    http_status integer,
    error_preview text,
    duration_ms integer,
    next_attempt_at timestamptz,
    created_at timestamptz not null,
    last_attempt_at timestamptz,
    attempts jsonb not null default '[]',
    manual boolean not null default false,
    lease_owner text,
    lease_until timestamptz,
    unique (endpoint_id, event_id)
  )`,
  `create index webhook_deliveries_org on webhook_deliveries (organization_id, id)`,
  `create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, id)`,
  `create index webhook_deliveries_event on webhook_deliveries (event_id)`,
  // What the dispatcher claims: due deliveries, oldest first.
  `create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'RETRYING'`,
  `create table incoming_webhooks (
    id text primary key,
    organization_id text not null references organizations(id),
    name text not null,
    token_hash text not null unique,
    url_preview text not null,
    acts_as_employee_id text not null,
    slack_signing_secret_sealed text,
    rate_limit_per_hour integer not null default 1000,
    created_at timestamptz not null,
    last_used_at timestamptz
  )`,
  `create index incoming_webhooks_org on incoming_webhooks (organization_id, id)`,
];
