import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";

/** What authentication reads of a key and its user: cached between requests where it is safe. */
export interface CredentialRow {
  readonly id: string;
  readonly organization_id: string;
  readonly employee_id: string;
  readonly scope: "read" | "full";
  readonly mode: "live" | "test";
  readonly expires_at: Date | null;
  readonly revoked_at: Date | null;
  readonly rate_limit_per_hour: number;
  readonly role: "admin" | "manager" | "employee";
  readonly status: "active" | "deactivated";
}

/**
 * Credentials by key hash, for embedded PGlite only: there every write goes through this
 * process's one connection, so a write that may touch keys, employees or organizations
 * empties the cache before any later request reads (revocation still acts on the next
 * request). PostgreSQL has other writers (more server processes): no cache there.
 */
export interface CredentialCache {
  /** Bumped by every write that may change a credential. */
  readonly generation: number;
  get(hash: string): CredentialRow | undefined;
  /** Stores a row read while the cache was at `generation`, unless a write came since. */
  set(hash: string, row: CredentialRow, generation: number): void;
  invalidate(): void;
}

const MAX_ENTRIES = 10_000;
const CREDENTIAL_TABLES = new Set(["api_keys", "employees", "organizations"]);
const WRITES = new Set(["InsertQueryNode", "UpdateQueryNode", "DeleteQueryNode", "MergeQueryNode"]);
// Columns no credential check reads: the once-a-minute "last used" stamp must not empty the cache.
const IRRELEVANT_COLUMNS = new Set(["last_used_at", "last_used_ip"]);

function touchesOnlyIrrelevantColumns(node: unknown): boolean {
  const updates = (node as { kind?: string; updates?: { column?: { column?: { name?: string } } }[] }).updates;
  if ((node as { kind?: string }).kind !== "UpdateQueryNode" || !updates?.length) return false;
  return updates.every((u) => IRRELEVANT_COLUMNS.has(u.column?.column?.name ?? ""));
}

/** Creates an empty cache. */
export function createCredentialCache(): CredentialCache {
  const rows = new Map<string, CredentialRow>();
  const cache = {
    generation: 0,
    get: (hash: string) => rows.get(hash),
    set(hash: string, row: CredentialRow, generation: number) {
      if (generation !== cache.generation) return;
      if (rows.size >= MAX_ENTRIES) rows.clear();
      rows.set(hash, row);
    },
    invalidate() {
      cache.generation++;
      rows.clear();
    },
  };
  return cache;
}

function namesTable(node: unknown, depth = 0): boolean {
  if (!node || typeof node !== "object" || depth > 12) return false;
  const n = node as { kind?: string; table?: { identifier?: { name?: string } } };
  if (n.kind === "TableNode" && CREDENTIAL_TABLES.has(n.table?.identifier?.name ?? "")) return true;
  return Object.values(node).some((child) =>
    Array.isArray(child) ? child.some((c) => namesTable(c, depth + 1)) : namesTable(child, depth + 1),
  );
}

/** A Kysely plugin that empties the cache on any write naming a credential table, and on any raw SQL. */
export function credentialInvalidation(cache: CredentialCache): KyselyPlugin {
  return {
    transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
      const kind = (node as OperationNode).kind;
      if (kind === "RawNode" || (WRITES.has(kind) && namesTable(node) && !touchesOnlyIrrelevantColumns(node))) {
        cache.invalidate();
      }
      return node;
    },
    async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return result;
    },
  };
}
