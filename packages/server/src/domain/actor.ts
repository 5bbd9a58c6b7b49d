import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import type { WebhookContext } from "./webhooks/runtime.js";

/** A role, as the spec's role and scope matrix names them. */
export type Role = "admin" | "manager" | "employee";

/** Who is calling: the user behind the credential, and the credential. */
export interface Actor {
  readonly organizationId: string;
  readonly employeeId: string;
  readonly role: Role;
  readonly credential: {
    /**
     * An API key, an incoming webhook's secret URL acting as the admin who made it, or an OAuth
     * access token acting for its user (`id` is then its token family: one authorization and
     * its refreshes, which share a rate limit and idempotency keys).
     */
    readonly type: "api_key" | "incoming_webhook" | "oauth_token";
    readonly id: string;
    /** `full` for an OAuth token with the `write` scope (the spec's `Me.credential.scope`). */
    readonly scope: "read" | "full";
    readonly mode: "live" | "test";
    readonly expiresAt: Date | null;
    readonly rateLimitPerHour: number;
    /** For an OAuth token: the app it was issued to and its granted scopes. */
    readonly oauth?: { readonly appId: string; readonly scopes: readonly ("read" | "write" | "admin")[] };
  };
}

/** What every domain operation gets: the database, the caller and the clock. */
export interface DomainContext {
  readonly db: Kysely<Database>;
  readonly actor: Actor;
  readonly now: () => Date;
  readonly sandbox: boolean;
  /** Webhook configuration, keys and the dispatcher. */
  readonly webhooks: WebhookContext;
  /** The HTTP request behind the call, for the audit log. */
  readonly request: {
    readonly id: string;
    readonly ip: string;
    readonly userAgent: string | null;
    readonly method: string;
    readonly path: string;
  };
}

/** The database handle inside or outside a transaction. */
export type Db = Kysely<Database>;

/** Runs `fn` in one database transaction: its changes, events and audit entries commit together or not at all. */
export function inTransaction<T>(ctx: DomainContext, fn: (tx: DomainContext) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute((trx) => fn({ ...ctx, db: trx }));
}
