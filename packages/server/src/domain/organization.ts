import type { components } from "@timecard/sdk";
import type { OrganizationRow } from "../storage/schema.js";
import { type DomainContext, inTransaction } from "./actor.js";
import { diff, recordChange } from "./audit.js";
import { effectiveScopes } from "./oauth/scopes.js";

type Organization = components["schemas"]["Organization"];
type OrganizationUpdate = components["schemas"]["OrganizationUpdate"];
type Me = components["schemas"]["Me"];

/** The API shape of an organization. */
export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    name: row.name,
    country: row.country,
    time_zone: row.time_zone as Organization["time_zone"],
    currency: row.currency,
    ...row.settings,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

async function findOrganization(ctx: DomainContext): Promise<OrganizationRow> {
  return ctx.db
    .selectFrom("organizations")
    .selectAll()
    .where("id", "=", ctx.actor.organizationId)
    .executeTakeFirstOrThrow();
}

/** The caller's organization. */
export async function getOrganization(ctx: DomainContext): Promise<Organization> {
  return toOrganization(await findOrganization(ctx));
}

/** Changes the organization's settings (only the fields sent); audited with the changes. */
export async function updateOrganization(ctx: DomainContext, body: OrganizationUpdate): Promise<Organization> {
  return inTransaction(ctx, async (tx) => {
    const before = await tx.db
      .selectFrom("organizations")
      .selectAll()
      .where("id", "=", tx.actor.organizationId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const { name, country, time_zone, currency, overtime, leave, ...norms } = body;
    const settings = {
      ...before.settings,
      ...norms,
      overtime: { ...before.settings.overtime, ...overtime },
      leave: { ...before.settings.leave, ...leave },
    };
    const top = {
      name: name ?? before.name,
      country: country ?? before.country,
      time_zone: time_zone ?? before.time_zone,
      currency: currency ?? before.currency,
    };
    const changes = diff({ ...before, ...before.settings }, { ...top, ...settings });
    const row = await tx.db
      .updateTable("organizations")
      .set({ ...top, settings: JSON.stringify(settings), updated_at: tx.now() })
      .where("id", "=", tx.actor.organizationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(tx, {
      action: "organization.updated",
      resourceType: "organization",
      resourceId: row.id,
      changes,
    });
    return toOrganization(row);
  });
}

/** Who the credential is: user, organization, scope and the current rate-limit window. */
export async function getMe(
  ctx: DomainContext,
  rateLimit: { limit: number; remaining: number; reset: number },
): Promise<Me> {
  const [org, user] = await Promise.all([
    findOrganization(ctx),
    ctx.db
      .selectFrom("employees")
      .select(["id", "name", "email", "role"])
      .where("id", "=", ctx.actor.employeeId)
      .executeTakeFirstOrThrow(),
  ]);
  const { credential } = ctx.actor;
  const oauthScopes: ("read" | "write" | "admin")[] = credential.oauth
    ? effectiveScopes(credential.oauth.scopes, ctx.actor.role)
    : credential.scope === "read"
      ? ["read"]
      : ctx.actor.role === "admin"
        ? ["read", "write", "admin"]
        : ["read", "write"];
  return {
    user,
    organization: {
      id: org.id,
      name: org.name,
      country: org.country,
      time_zone: org.time_zone as Me["organization"]["time_zone"],
    },
    credential: {
      // An OAuth token is named by its app (the token itself is never shown).
      type: credential.oauth ? "oauth_token" : "api_key",
      id: credential.oauth?.appId ?? credential.id,
      scope: credential.scope,
      oauth_scopes: oauthScopes,
      mode: credential.mode,
      expires_at: credential.expiresAt?.toISOString() ?? null,
    },
    rate_limit: {
      limit: rateLimit.limit,
      remaining: rateLimit.remaining,
      reset_at: new Date(rateLimit.reset * 1000).toISOString(),
    },
  };
}
