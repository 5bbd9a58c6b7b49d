import { createHash } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { open, seal } from "../crypto/secret-box.js";
import type { Actor, Db } from "../domain/actor.js";
import { ApiProblem } from "../errors.js";

// Idempotency-Key (as Stripe's): the first request with a key runs and its response is kept;
// a repeat with the same body gets that response again, marked `Idempotent-Replayed: true`;
// the same key with another body is refused. Keys are per API key and kept 24 hours.
const TTL_MS = 24 * 3600 * 1000;

/** What the pre-handler left for the on-send hook: the key whose response to keep. */
export interface PendingIdempotency {
  readonly apiKeyId: string;
  readonly key: string;
}

function bodyHash(request: FastifyRequest): string {
  return createHash("sha256")
    .update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`)
    .digest("hex");
}

/** JSON with object keys sorted: the same body with its fields in another order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Looks the key up: replays a finished request (returns true: the reply is sent), refuses a
 * reused or in-flight key, or claims the key for this request (returns the pending claim).
 */
export async function claimIdempotencyKey(
  db: Db,
  actor: Actor,
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  now: Date,
  masterKey: Buffer,
): Promise<PendingIdempotency | "replayed"> {
  const hash = bodyHash(request);
  const apiKeyId = actor.credential.id;
  await db
    .deleteFrom("idempotency_keys")
    .where("api_key_id", "=", apiKeyId)
    .where("key", "=", key)
    .where("created_at", "<", new Date(now.getTime() - TTL_MS))
    .execute();
  const inserted = await db
    .insertInto("idempotency_keys")
    .values({
      api_key_id: apiKeyId,
      key,
      organization_id: actor.organizationId,
      method: request.method,
      path: request.url,
      body_hash: hash,
      status: null,
      response_body: null,
      response_content_type: null,
      created_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { apiKeyId, key };

  const existing = await db
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("api_key_id", "=", apiKeyId)
    .where("key", "=", key)
    .executeTakeFirstOrThrow();
  if (existing.body_hash !== hash) {
    throw new ApiProblem(
      422,
      "idempotency_key_reused",
      "This Idempotency-Key was used with a different request. Use a new key for a new request.",
    );
  }
  if (existing.status === null) {
    throw new ApiProblem(
      409,
      "conflict",
      "A request with this Idempotency-Key is still running. Retry when it has finished.",
    );
  }
  reply
    .code(existing.status)
    .header("Idempotent-Replayed", "true")
    .type(existing.response_content_type ?? "application/json")
    .send(existing.response_body === null ? "" : open(masterKey, existing.response_body));
  return "replayed";
}

/**
 * Keeps the response of a claimed key, encrypted under the master key: a create or rotate
 * response carries a one-time secret that must not rest in the database in clear. A server
 * error frees the key so a retry can run.
 */
export async function storeIdempotentResponse(
  db: Db,
  pending: PendingIdempotency,
  status: number,
  contentType: string | undefined,
  body: string,
  masterKey: Buffer,
): Promise<void> {
  const where = db
    .updateTable("idempotency_keys")
    .where("api_key_id", "=", pending.apiKeyId)
    .where("key", "=", pending.key);
  if (status >= 500) {
    await db
      .deleteFrom("idempotency_keys")
      .where("api_key_id", "=", pending.apiKeyId)
      .where("key", "=", pending.key)
      .execute();
    return;
  }
  await where
    .set({ status, response_body: seal(masterKey, body), response_content_type: contentType ?? null })
    .execute();
}
