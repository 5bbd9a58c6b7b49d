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
    /** An API key, or an incoming webhook's secret URL acting as the admin who made it. */
    readonly type: "api_key" | "incoming_webhook";
    readonly id: string;
    readonly scope: "read" | "full";
    readonly mode: "live" | "test";
    readonly expiresAt: Date | null;
    readonly rateLimitPerHour: number;
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
