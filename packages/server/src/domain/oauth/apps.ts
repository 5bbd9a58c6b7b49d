import type { components } from "@timecard/sdk";
import { ApiProblem, invalidField, notFound } from "../../errors.js";
import { decodeCursor, type Page, toPage } from "../../http/cursor.js";
import { newId } from "../../ids.js";
import type { OAuthAppRow } from "../../storage/schema.js";
import { type DomainContext, inTransaction } from "../actor.js";
import { diff, recordChange } from "../audit.js";
import { isUniqueViolation } from "../projects.js";
import { createOAuthSecret } from "./secrets.js";

type OAuthApp = components["schemas"]["OAuthApp"];
type OAuthAppWithSecret = components["schemas"]["OAuthAppWithSecret"];
type OAuthAppCreate = components["schemas"]["OAuthAppCreate"];

/** The API shape of an app: never its client secret (only its hash is stored anyway). */
export function toOAuthApp(row: OAuthAppRow): OAuthApp {
  return {
    id: row.id,
    organization_id: row.organization_id,
    name: row.name,
    description: row.description,
    redirect_uris: row.redirect_uris,
    allowed_scopes: row.allowed_scopes,
    grant_types: row.grant_types,
    client_id: row.id,
    confidential: row.confidential,
    client_credentials_employee_id: row.client_credentials_employee_id,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** The organization's app with this id, else `404 not_found` (another organization's app too). */
async function findApp(ctx: DomainContext, id: string): Promise<OAuthAppRow> {
  const row = await ctx.db
    .selectFrom("oauth_apps")
    .selectAll()
    .where("organization_id", "=", ctx.actor.organizationId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw notFound("OAuth app", id);
  return row;
}

/** Lists the organization's apps, newest first. The route admits admins only. */
export async function listOAuthApps(
  ctx: DomainContext,
  query: { limit?: number; cursor?: string },
): Promise<Page<OAuthApp>> {
  const limit = query.limit ?? 25;
  const after = decodeCursor(query.cursor);
  let q = ctx.db.selectFrom("oauth_apps").selectAll().where("organization_id", "=", ctx.actor.organizationId);
  if (after) q = q.where("id", "<", after[1]);
  const rows = await q
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (r) => [r.id, r.id], toOAuthApp);
}

/** Returns one app, without its client secret. */
export async function getOAuthApp(ctx: DomainContext, id: string): Promise<OAuthApp> {
  return toOAuthApp(await findApp(ctx, id));
}

function nameTaken(name: string): ApiProblem {
  return new ApiProblem(409, "already_exists", `An OAuth app named ${JSON.stringify(name)} already exists.`);
}

/**
 * Registers an app. A confidential app gets a `tcs_` client secret, in this answer only (the
 * database keeps its SHA-256 hash; the audit log never sees it). The rules the schema cannot
 * say are `422 validation_failed`: a redirect URI for `authorization_code`, and for
 * `client_credentials` a confidential app and an active employee of the organization to act as.
 * The app takes the mode of the calling credential: an app made with a `tc_test_` key issues
 * test tokens. A name in use is `409 already_exists`.
 */
export async function createOAuthApp(ctx: DomainContext, body: OAuthAppCreate): Promise<OAuthAppWithSecret> {
  // The body validator fills the spec's defaults (Ajv `useDefaults`, app.ts).
  const { grant_types: grantTypes, redirect_uris: redirectUris, confidential } = body;
  const employeeId = body.client_credentials_employee_id ?? null;
  if (grantTypes.includes("authorization_code") && redirectUris.length === 0) {
    throw invalidField("body.redirect_uris", "needs at least one URI when grant_types includes authorization_code");
  }
  if (grantTypes.includes("client_credentials")) {
    if (!confidential) throw invalidField("body.confidential", "must be true for the client_credentials grant");
    if (!employeeId) {
      throw invalidField("body.client_credentials_employee_id", "is required for the client_credentials grant");
    }
  } else if (employeeId) {
    throw invalidField("body.client_credentials_employee_id", "is only for apps with the client_credentials grant");
  }
  return inTransaction(ctx, async (tx) => {
    const now = tx.now();
    if (employeeId) {
      const employee = await tx.db
        .selectFrom("employees")
        .select(["id", "status"])
        .where("organization_id", "=", tx.actor.organizationId)
        .where("id", "=", employeeId)
        .executeTakeFirst();
      if (employee?.status !== "active") {
        throw invalidField("body.client_credentials_employee_id", "is not an active employee of this organization");
      }
    }
    const taken = await tx.db
      .selectFrom("oauth_apps")
      .select("id")
      .where("organization_id", "=", tx.actor.organizationId)
      .where("name", "=", body.name)
      .executeTakeFirst();
    if (taken) throw nameTaken(body.name);
    const secret = confidential ? createOAuthSecret("clientSecret") : null;
    let row: OAuthAppRow;
    try {
      row = await tx.db
        .insertInto("oauth_apps")
        .values({
          id: newId("app", now),
          organization_id: tx.actor.organizationId,
          name: body.name,
          description: body.description ?? null,
          redirect_uris: JSON.stringify(redirectUris),
          allowed_scopes: JSON.stringify(body.allowed_scopes),
          grant_types: JSON.stringify(grantTypes),
          confidential,
          client_secret_hash: secret?.hash ?? null,
          client_credentials_employee_id: employeeId,
          mode: tx.actor.credential.mode,
          created_by: tx.actor.employeeId,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error, "oauth_apps_organization_id_name_key")) throw nameTaken(body.name);
      throw error;
    }
    const app = toOAuthApp(row);
    const { id: _, organization_id, client_id, created_at, updated_at, ...fields } = app;
    await recordChange(tx, {
      action: "oauth_app.created",
      resourceType: "oauth_app",
      resourceId: app.id,
      changes: diff({}, fields),
    });
    return { ...app, client_secret: secret?.secret ?? null };
  });
}

/**
 * Deletes an app and, with it (foreign keys `on delete cascade`), every code, access token,
 * refresh token and grant it was issued: its tokens answer `401 invalid_token` from the next
 * request on. Audited.
 */
export async function deleteOAuthApp(ctx: DomainContext, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const before = await findApp(tx, id);
    await tx.db
      .deleteFrom("oauth_apps")
      .where("organization_id", "=", tx.actor.organizationId)
      .where("id", "=", id)
      .execute();
    await recordChange(tx, {
      action: "oauth_app.deleted",
      resourceType: "oauth_app",
      resourceId: id,
      changes: diff({ name: before.name }, { name: null }),
    });
  });
}
