import AjvModule from "ajv";
import addFormatsModule from "ajv-formats";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import openapiGlue from "fastify-openapi-glue";
import type { ServerConfig } from "./config.js";
import type { Actor, DomainContext } from "./domain/actor.js";
import { auditActor } from "./domain/audit.js";
import { type AuditWriter, createAuditWriter } from "./domain/audit-writer.js";
import { authenticate, authorize } from "./domain/authenticate.js";
import { createComplianceSweeper } from "./domain/compliance.js";
import { createExportWorker, type ExportWorker } from "./domain/exports/worker.js";
import { createDispatcher } from "./domain/webhooks/dispatcher.js";
import type { WebhookContext } from "./domain/webhooks/runtime.js";
import { createAllowlist, type HostResolver, systemResolver } from "./domain/webhooks/url-safety.js";
import { ApiProblem } from "./errors.js";
import { claimIdempotencyKey, type PendingIdempotency, storeIdempotentResponse } from "./http/idempotency.js";
import { sendProblem, toProblem } from "./http/problem.js";
import { createRateLimiter, type RateLimiter, type RateLimitState } from "./http/rate-limit.js";
import { newId } from "./ids.js";
import { createHandlers, createPublicHandlers } from "./routes/index.js";
import { registerOAuthConsentForm } from "./routes/oauth.js";
import type { Handler, Handlers, OperationId, PublicContext, PublicHandler, PublicHandlers } from "./routes/types.js";
import { OPENAPI_DOCUMENT, OPERATION_RULES, type OperationRule } from "./spec.js";
import type { Storage } from "./storage/connect.js";

/** What the app is built from; everything with state is passed in. */
export interface AppOptions {
  readonly config: ServerConfig;
  readonly storage: Storage;
  /** The clock (tests move it). */
  readonly now?: () => Date;
  readonly rateLimiter?: RateLimiter;
  /** Fastify's logger option; off unless given. */
  readonly logger?: boolean | Record<string, unknown>;
  /** Resolves webhook endpoint hosts; the system resolver by default (tests map names to addresses). */
  readonly resolveHost?: HostResolver;
}

// ajv and ajv-formats are CommonJS: their default export is the module object.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

/** Requests without a credential are limited per IP address, as the spec says. */
const ANONYMOUS_LIMIT_PER_HOUR = 100;
const KEY_LAST_USED_RESOLUTION_MS = 60_000;
/** Health probes answer without counting against any limit. */
const UNLIMITED_PATHS = new Set(["/healthz", "/readyz"]);
/** Public operations that apply their own rate limit (an incoming webhook's, per hook). */
const SELF_LIMITED: ReadonlySet<string> = new Set(["receiveIncomingWebhook"]);
/** The OAuth endpoints that judge their own form: a bad one is `400 invalid_request` (RFC 6749 §5.2), never a problem. */
const OAUTH_FORMS: ReadonlySet<string> = new Set(["createOAuthToken", "revokeOAuthToken"]);

/** The operations whose request body is required (glue's schemas do not say). */
const REQUIRED_BODIES: ReadonlySet<string> = new Set(
  Object.values(OPENAPI_DOCUMENT.paths as Record<string, Record<string, unknown>>).flatMap((item) =>
    Object.values(item)
      .map((op) => op as { operationId?: string; requestBody?: { required?: boolean } })
      .filter((op) => op.operationId && op.requestBody?.required)
      .map((op) => op.operationId as string),
  ),
);

declare module "fastify" {
  interface FastifyRequest {
    actor: Actor | null;
    rule: OperationRule | null;
    rateLimit: RateLimitState | null;
    idempotency: PendingIdempotency | null;
    /** The body exactly as received, kept for the operations that verify a signature over it. */
    rawBody: string | undefined;
  }
  interface FastifyContextConfig {
    operationId?: string;
  }
  interface FastifyInstance {
    audit: AuditWriter;
    webhooks: WebhookContext;
    /** The payroll export worker: it starts with the app unless `config.exports.worker` is off; tests call `runDue()`. */
    exports: ExportWorker;
  }
}

/**
 * Builds the Timecard API server: routes and validation from the spec, then authentication,
 * per-key rate limits, scopes and roles, idempotency, audit and problem+json errors. When the
 * app is ready it starts the webhook dispatcher, the payroll export worker and the daily
 * compliance check, each unless its flag in `config` is off; `app.close()` stops them.
 *
 * @example
 * ```ts
 * const app = await createApp({ config, storage });
 * await app.listen({ port: config.port, host: config.host });
 * ```
 */
export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const { config, storage } = options;
  const db = storage.db;
  const now = options.now ?? (() => new Date());
  const rateLimiter = options.rateLimiter ?? createRateLimiter(now);
  const lastUsedWritten = new Map<string, number>();

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: () => newId("req"),
    requestIdHeader: false,
    // The router's own refusals (a malformed URL, a path segment longer than any id) answer as
    // problems too: as a path that names nothing.
    frameworkErrors: (error, request, reply) => {
      reply.header("X-Request-Id", request.id);
      const unroutable = error.code === "FST_ERR_BAD_URL" || error.code === "FST_ERR_MAX_PARAM_LENGTH";
      const path = request.url.split("?")[0];
      sendProblem(
        request,
        reply,
        unroutable ? new ApiProblem(404, "not_found", `No route ${request.method} ${path}.`) : toProblem(error),
      );
    },
    // Fastify answers 404/405 for unknown routes through the not-found handler below.
    return503OnClosing: true,
  });
  app.decorate(
    "audit",
    createAuditWriter(db, { onError: (error) => app.log.error({ err: error }, "audit write failed") }),
  );
  app.decorateRequest("actor", null);
  app.decorateRequest("rule", null);
  app.decorateRequest("rateLimit", null);
  app.decorateRequest("idempotency", null);
  app.decorateRequest("rawBody", undefined);

  const webhooks: WebhookContext = (() => {
    const allowlist = createAllowlist(config.webhooks.allowlist);
    const resolve = options.resolveHost ?? systemResolver;
    const dispatcher = createDispatcher({
      storage,
      config: config.webhooks,
      masterKey: config.masterKey,
      allowlist,
      resolve,
      now,
      log: app.log,
    });
    return { config: config.webhooks, masterKey: config.masterKey, allowlist, resolve, dispatcher };
  })();
  app.decorate("webhooks", webhooks);
  // The three background jobs start when the app is ready, each unless its flag is off (the
  // tests turn all three off and drive them by hand), and stop when it closes. Their stop hooks
  // are registered before the audit flush below: work in flight is recorded before the database closes.
  if (config.webhooks.dispatcher) app.addHook("onReady", () => webhooks.dispatcher.start());
  app.addHook("onClose", () => webhooks.dispatcher.stop());
  const exportWorker = createExportWorker({ storage, now, log: app.log });
  app.decorate("exports", exportWorker);
  if (config.exports.worker) app.addHook("onReady", () => exportWorker.start());
  app.addHook("onClose", () => exportWorker.stop());
  const complianceSweeper = createComplianceSweeper({ db, now, log: app.log });
  if (config.compliance.dailyCheck) app.addHook("onReady", async () => complianceSweeper.start());
  app.addHook("onClose", () => complianceSweeper.stop());

  // Bodies are validated strictly (a string is not a number); query, path and headers arrive as
  // text and are coerced. `removeAdditional: false`: unknown fields are refused, not dropped.
  // `discriminator`: a oneOf chosen by a property (an incoming action) reports one error for a bad tag, not one per branch.
  const bodyAjv = addFormats(
    new Ajv({ strict: false, allErrors: true, useDefaults: true, removeAdditional: false, discriminator: true }),
  );
  const textAjv = addFormats(
    new Ajv({ strict: false, allErrors: true, useDefaults: true, removeAdditional: false, coerceTypes: "array" }),
  );
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === "body" ? bodyAjv.compile(withoutDiscriminatorMappings(schema)) : textAjv.compile(schema),
  );
  // Handlers answer plain objects; responses are checked against the spec by Prism in tests,
  // not re-serialized through response schemas.
  app.addHook("onRoute", (route) => {
    if (route.schema) delete (route.schema as { response?: unknown }).response;
  });
  // Operations that verify a signature over the body keep it exactly as received.
  const keepsRawBody = (request: FastifyRequest) =>
    request.routeOptions.config.operationId === "receiveIncomingWebhook";
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    if (keepsRawBody(request)) request.rawBody = String(body);
    parseJson(request, String(body), done);
  });
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (request, body, done) => {
    if (keepsRawBody(request)) request.rawBody = String(body);
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.addHook("onRequest", async (request, reply) => {
    reply.header("X-Request-Id", request.id);
    const operationId = request.routeOptions.config.operationId;
    const rule = operationId ? (OPERATION_RULES.get(operationId) ?? null) : null;
    request.rule = rule;
    if (!rule || rule.scope === null) {
      // Public operations and unknown paths carry no credential: they count against the IP
      // address's limit, with its headers (the health probes are not limited).
      if (UNLIMITED_PATHS.has(request.routeOptions.url ?? "") || (operationId && SELF_LIMITED.has(operationId))) return;
      await limitByIp(request);
      return;
    }
    let actor: Actor;
    try {
      actor = await authenticate(db, request.headers.authorization, now(), storage.credentialCache);
    } catch (error) {
      await limitByIp(request);
      throw error;
    }
    request.actor = actor;
    request.rateLimit = await rateLimiter.consume(`key:${actor.credential.id}`, actor.credential.rateLimitPerHour);
    if (!request.rateLimit.allowed) throw rateLimited(request.rateLimit);
    authorize(actor, rule);
    // Only API keys record their last use (an OAuth token family has no such column).
    if (actor.credential.type === "api_key") touchKey(actor.credential.id, request.ip);
  });

  // Glue keys body schemas by media type and Fastify validates only the types listed, so a body
  // of another type (text/plain, a form) or no body at all would reach the handler unchecked.
  app.addHook("preValidation", async (request) => {
    const content = (request.routeOptions.schema?.body as { content?: Record<string, unknown> } | undefined)?.content;
    if (!content || OAUTH_FORMS.has(request.routeOptions.config.operationId ?? "")) return;
    if (request.body === undefined) {
      const operationId = request.routeOptions.config.operationId;
      if (operationId && REQUIRED_BODIES.has(operationId)) {
        throw new ApiProblem(422, "validation_failed", "body is required.", [
          { field: "body", message: "is required" },
        ]);
      }
      return;
    }
    const mediaType = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (!Object.hasOwn(content, mediaType)) {
      throw new ApiProblem(415, "unsupported_media_type", `Send the body as ${Object.keys(content).join(" or ")}.`);
    }
  });

  // PostgreSQL text cannot hold U+0000: refuse it as invalid input rather than fail in the database.
  app.addHook("preValidation", async (request) => {
    if (OAUTH_FORMS.has(request.routeOptions.config.operationId ?? "")) return;
    const fields = [...nulFields("body", request.body), ...nulFields("query", request.query)];
    if (fields.length > 0) {
      const errors = fields.map((field) => ({ field, message: "must not contain the NUL character (\\u0000)" }));
      throw new ApiProblem(422, "validation_failed", `${fields[0]} must not contain the NUL character.`, errors);
    }
  });

  app.addHook("preHandler", async (request, reply) => {
    const key = request.headers["idempotency-key"];
    if (!request.actor || !request.rule?.idempotencyKey || typeof key !== "string") return;
    const claim = await claimIdempotencyKey(db, request.actor, request, reply, key, now(), config.masterKey);
    if (claim === "replayed") return reply;
    request.idempotency = claim;
  });

  app.addHook("onSend", async (request, reply, payload) => {
    const state = request.rateLimit;
    if (state) {
      reply.header("X-RateLimit-Limit", state.limit);
      reply.header("X-RateLimit-Remaining", state.remaining);
      reply.header("X-RateLimit-Reset", state.reset);
    }
    if (request.idempotency && reply.getHeader("Idempotent-Replayed") === undefined) {
      const pending = request.idempotency;
      request.idempotency = null;
      await storeIdempotentResponse(
        db,
        pending,
        reply.statusCode,
        reply.getHeader("content-type") as string | undefined,
        String(payload ?? ""),
        config.masterKey,
      );
    }
    return payload;
  });

  app.addHook("onResponse", async (request, reply) => {
    const actor = request.actor;
    if (!actor) return;
    app.audit.record({
      id: newId("aud"),
      organization_id: actor.organizationId,
      occurred_at: now(),
      ...auditActor(actor),
      action: "api_request",
      method: request.method,
      path: auditPath(request),
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      request_id: request.id,
      user_agent: request.headers["user-agent"]?.slice(0, 500) ?? null,
      ip: request.ip,
      resource_type: actor.credential.type === "incoming_webhook" ? "incoming_webhook" : null,
      resource_id: actor.credential.type === "incoming_webhook" ? actor.credential.id : null,
      changes: null,
    });
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error as Error);
    if (problem.status >= 500) request.log.error({ err: error }, "request failed");
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new ApiProblem(404, "not_found", `No route ${request.method} ${request.url.split("?")[0]}.`),
    ),
  );

  app.get("/healthz", { logLevel: "warn" }, async () => ({ status: "ok" }));
  app.get("/readyz", { logLevel: "warn" }, async (_request, reply) => {
    try {
      await storage.ping();
      return { status: "ready" };
    } catch {
      return reply.code(503).send({ status: "unavailable" });
    }
  });

  const handlers = createHandlers();
  const publicHandlers = createPublicHandlers();
  assertEveryOperationHandled(handlers, publicHandlers);
  await app.register(openapiGlue, {
    specification: OPENAPI_DOCUMENT,
    // The resolver's type wants full route options; glue merges these into the routes it builds.
    operationResolver: ((operationId: string) => ({
      config: { operationId },
      // Public operations authenticate before they judge the body: an unknown URL answers 404
      // (and counts against the IP's limit) whatever it was sent.
      ...(operationId in publicHandlers ? { attachValidation: true } : {}),
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const publicHandler = publicHandlers[operationId as OperationId] as PublicHandler<OperationId> | undefined;
        if (publicHandler) {
          const ctx: PublicContext = {
            db,
            now,
            sandbox: config.sandbox,
            webhooks,
            request: requestInfo(request),
            headers: request.headers,
            rawBody: request.rawBody,
            limit: async (key, perHour) => {
              request.rateLimit = await rateLimiter.consume(key, perHour);
              if (!request.rateLimit.allowed) throw rateLimited(request.rateLimit);
            },
            limitByIp: () => limitByIp(request),
            actAs: (actor) => {
              request.actor = actor;
            },
            assertValid: () => {
              if (request.validationError) throw request.validationError;
            },
          };
          const input = { body: request.body, query: request.query, params: request.params, ctx } as never;
          return publicHandler(input, reply);
        }
        // assertEveryOperationHandled: a non-public operation has a handler and a scope, so the
        // onRequest hook authenticated the caller.
        const handler = handlers[operationId as OperationId] as Handler<OperationId>;
        const actor = request.actor as Actor;
        const ctx: DomainContext = {
          db,
          actor,
          now,
          sandbox: config.sandbox,
          webhooks,
          request: requestInfo(request),
        };
        const input = { body: request.body, query: request.query, params: request.params, ctx } as never;
        return handler(input, reply);
      },
    })) as never,
  });
  // The OAuth consent page's form (not an operation of the spec: the page is the server's own).
  registerOAuthConsentForm(app, { db, now });

  app.addHook("onClose", async () => {
    await app.audit.flush();
  });
  return app;

  async function limitByIp(request: FastifyRequest) {
    request.rateLimit = await rateLimiter.consume(`ip:${request.ip}`, ANONYMOUS_LIMIT_PER_HOUR);
    if (!request.rateLimit.allowed) throw rateLimited(request.rateLimit);
  }

  // last_used_at is kept to the minute, so a busy key costs one write a minute, not one per request.
  function touchKey(keyId: string, ip: string) {
    const at = now();
    const previous = lastUsedWritten.get(keyId) ?? 0;
    if (at.getTime() - previous < KEY_LAST_USED_RESOLUTION_MS) return;
    lastUsedWritten.set(keyId, at.getTime());
    db.updateTable("api_keys")
      .set({ last_used_at: at, last_used_ip: ip })
      .where("id", "=", keyId)
      .execute()
      .catch((error) => app.log.error({ err: error }, "could not record key use"));
  }
}

/** The path for the audit log and logs: a secret URL's token is replaced by the route's `{token}`. */
function auditPath(request: FastifyRequest): string {
  const path = request.url.split("?")[0] ?? request.url;
  return SECRET_PATH.test(path) ? (request.routeOptions.url ?? "/v1/hooks/{token}") : path;
}

/**
 * Refuses to start a server that would leave an operation of the spec without its handler: a
 * public operation (no scope) needs a public handler, any other one a handler.
 */
function assertEveryOperationHandled(handlers: Handlers, publicHandlers: PublicHandlers): void {
  const missing = [...OPERATION_RULES.values()]
    .filter((rule) => !(rule.operationId in (rule.scope === null ? publicHandlers : handlers)))
    .map((rule) => rule.operationId);
  if (missing.length > 0) throw new Error(`No handler for the spec's operations: ${missing.join(", ")}.`);
}

/** Paths that carry a secret. */
const SECRET_PATH = /^\/v1\/hooks\//;

/** The HTTP request behind a domain call, for the audit log. */
function requestInfo(request: FastifyRequest): DomainContext["request"] {
  return {
    id: request.id,
    ip: request.ip,
    userAgent: request.headers["user-agent"]?.slice(0, 500) ?? null,
    method: request.method,
    path: auditPath(request),
  };
}

/**
 * A schema whose discriminators lack their `mapping`, which Ajv does not take: it finds each
 * branch by the tag property's `enum` in the branch itself, which is what the mapping says.
 * A schema with a discriminator is also typed `object`: Ajv's discriminator lets anything else
 * (`42`, `[]`, `null`) through.
 */
function withoutDiscriminatorMappings<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(withoutDiscriminatorMappings) as T;
  if (!schema || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = Object.fromEntries(
    Object.entries(schema).map(([key, value]) =>
      key === "discriminator" && value && typeof value === "object"
        ? [key, { propertyName: (value as { propertyName: string }).propertyName }]
        : [key, withoutDiscriminatorMappings(value)],
    ),
  );
  if (out.discriminator && out.type === undefined) out.type = "object";
  return out as T;
}

/** The paths (`body.name`, `body.intervals.0.note`) of the strings and keys in a value that contain U+0000. */
function nulFields(path: string, value: unknown): string[] {
  if (typeof value === "string") return value.includes("\u0000") ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => nulFields(`${path}.${i}`, item));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) =>
      key.includes("\u0000") ? [`${path}.${key}`] : nulFields(`${path}.${key}`, item),
    );
  }
  return [];
}

function rateLimited(state: RateLimitState): ApiProblem {
  return new ApiProblem(
    429,
    "rate_limited",
    `The rate limit of ${state.limit} requests per hour is exhausted. Retry in ${state.retryAfter} seconds.`,
    undefined,
    { "Retry-After": String(state.retryAfter) },
  );
}
