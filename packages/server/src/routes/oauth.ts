import type { FastifyInstance, FastifyReply } from "fastify";
import type { Db } from "../domain/actor.js";
import { createOAuthApp, deleteOAuthApp, getOAuthApp, listOAuthApps } from "../domain/oauth/apps.js";
import {
  type AuthorizationOutcome,
  AuthorizationRedirectError,
  type AuthorizationRequest,
  checkAuthorizationRequest,
  decideAuthorization,
  SESSION_COOKIE,
  SESSION_SECONDS,
  startAuthorization,
} from "../domain/oauth/authorize.js";
import type { OAuthForm } from "../domain/oauth/clients.js";
import { CONSENT_PAGE_HEADERS, renderConsentPage } from "../domain/oauth/consent-page.js";
import { OAuthError } from "../domain/oauth/errors.js";
import { serverMetadata } from "../domain/oauth/metadata.js";
import { exchangeToken, revokeToken } from "../domain/oauth/tokens.js";
import { publicBaseUrl } from "../domain/webhooks/incoming.js";
import type { Handlers, PublicHandlers } from "./types.js";

/** OAuth apps: the admins' operations under `/v1/oauth-apps`. */
export function oauthAppHandlers(): Handlers {
  return {
    listOAuthApps: async ({ ctx, query }) => listOAuthApps(ctx, query),
    createOAuthApp: async ({ ctx, body }, reply) => {
      const app = await createOAuthApp(ctx, body);
      reply.code(201);
      return app;
    },
    getOAuthApp: async ({ ctx, params }) => getOAuthApp(ctx, params.app_id),
    deleteOAuthApp: async ({ ctx, params }, reply) => {
      await deleteOAuthApp(ctx, params.app_id);
      reply.code(204);
      return undefined;
    },
  };
}

/** Answers an OAuth error as RFC 6749 §5.2 JSON (not a problem), with `WWW-Authenticate` after a failed Basic. */
function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  if (error.status === 401 && error.basic) reply.header("WWW-Authenticate", 'Basic realm="timecard"');
  return reply.code(error.status).type("application/json; charset=utf-8").send(error.toJSON());
}

/** The form of a token or revocation request; any other body is `invalid_request`. */
function formOf(contentType: string | undefined, body: unknown): OAuthForm {
  const mediaType = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/x-www-form-urlencoded" || !body || typeof body !== "object") {
    throw new OAuthError("invalid_request", "Send the request as application/x-www-form-urlencoded.");
  }
  return body as OAuthForm;
}

/** The consent session token from a `Cookie` header. */
function sessionCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === SESSION_COOKIE) return value.join("=");
  }
  return undefined;
}

/** Answers the authorization endpoint: a redirect (with the session cookie after a sign-in), or the page. */
async function answerAuthorization(
  reply: FastifyReply,
  run: () => Promise<AuthorizationOutcome>,
): Promise<FastifyReply> {
  reply.header("Cache-Control", "no-store");
  let outcome: AuthorizationOutcome;
  try {
    outcome = await run();
  } catch (error) {
    if (error instanceof AuthorizationRedirectError) return reply.code(302).header("Location", error.location).send();
    if (error instanceof OAuthError) return sendOAuthError(reply, error);
    throw error;
  }
  if (outcome.kind === "page") {
    return reply
      .code(outcome.status)
      .headers(CONSENT_PAGE_HEADERS)
      .type("text/html; charset=utf-8")
      .send(renderConsentPage(outcome));
  }
  if (outcome.session) {
    const secure = reply.request.protocol === "https" ? "; Secure" : "";
    reply.header(
      "Set-Cookie",
      `${SESSION_COOKIE}=${outcome.session}; Path=/oauth; HttpOnly; SameSite=Lax; Max-Age=${SESSION_SECONDS}${secure}`,
    );
  }
  return reply.code(302).header("Location", outcome.location).send();
}

/** The public OAuth endpoints (RFC 6749, 7009, 8414): they answer OAuth errors, never problems. */
export function oauthPublicHandlers(): PublicHandlers {
  return {
    authorizeOAuth: async ({ ctx, query }, reply) =>
      answerAuthorization(reply, async () => {
        const request = await checkAuthorizationRequest(ctx.db, query as OAuthForm);
        return startAuthorization(ctx, request, sessionCookie(ctx.headers.cookie));
      }),
    createOAuthToken: async ({ ctx, body }, reply) => {
      // Credentials: never cached (RFC 6749 §5.1), the errors included.
      reply.header("Cache-Control", "no-store").header("Pragma", "no-cache");
      try {
        return await exchangeToken(ctx, ctx.headers.authorization, formOf(ctx.headers["content-type"], body));
      } catch (error) {
        if (error instanceof OAuthError) return sendOAuthError(reply, error);
        throw error;
      }
    },
    revokeOAuthToken: async ({ ctx, body }, reply) => {
      try {
        await revokeToken(ctx, ctx.headers.authorization, formOf(ctx.headers["content-type"], body));
      } catch (error) {
        if (error instanceof OAuthError) return sendOAuthError(reply, error);
        throw error;
      }
      return reply.code(200).send();
    },
    getOAuthServerMetadata: async ({ ctx }, reply) => {
      reply.header("Cache-Control", "public, max-age=3600");
      const issuer = publicBaseUrl(ctx.webhooks.config.publicUrl, {
        protocol: reply.request.protocol,
        host: reply.request.host,
      });
      return serverMetadata(issuer);
    },
  };
}

/**
 * Registers `POST /oauth/authorize`, where the consent page's form goes (the spec leaves the
 * form out of the API: it is the page's own). It takes same-origin posts only: a cross-site
 * `Origin` or `Sec-Fetch-Site` is refused, so another site cannot sign a browser in or approve
 * for it. Like every unauthenticated call it counts against the IP address's limit.
 *
 * @example
 * ```ts
 * registerOAuthConsentForm(app, { db, now });
 * ```
 */
export function registerOAuthConsentForm(app: FastifyInstance, deps: { db: Db; now: () => Date }): void {
  app.post("/oauth/authorize", async (request, reply) => {
    const origin = request.headers.origin;
    let crossSite = request.headers["sec-fetch-site"] === "cross-site";
    if (origin !== undefined) {
      try {
        crossSite ||= new URL(origin).host !== request.host;
      } catch {
        crossSite = true;
      }
    }
    return answerAuthorization(reply, async () => {
      if (crossSite) throw new OAuthError("invalid_request", "The consent form must be posted from its own page.");
      const form = formOf(request.headers["content-type"], request.body);
      const authorization: AuthorizationRequest = await checkAuthorizationRequest(deps.db, form);
      return decideAuthorization(deps, authorization, form, sessionCookie(request.headers.cookie));
    });
  });
}
