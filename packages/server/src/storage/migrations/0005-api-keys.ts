import { type Kysely, sql } from "kysely";

// The audit log's filters: a change entry takes its request's status and duration from the
// `api_request` entry with the same request id (written after the response), and `ip=` matches
// CIDR ranges, which needs the stored text read as an address without failing on odd values.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement per query: PGlite's extended protocol takes a single statement at a time.
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

const STATEMENTS = [
  `create index audit_log_request on audit_log (organization_id, request_id) where action = 'api_request'`,
  // The client address as inet, IPv4-mapped IPv6 (::ffff:203.0.113.24) read as IPv4; null for
  // anything that is not an address (an X-Forwarded-For from a fully trusted proxy can be any text).
  `create function timecard_inet(value text) returns inet language plpgsql immutable parallel safe as $$
begin
  if value is null then
    return null;
  end if;
  if lower(value) like '::ffff:%.%' then
    value := substr(value, 8);
  end if;
  return value::inet;
exception when others then
  return null;
end;
$$`,
];
