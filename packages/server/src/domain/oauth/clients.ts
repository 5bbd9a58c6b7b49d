import type { OAuthAppRow } from "../../storage/schema.js";
import type { Db } from "../actor.js";
import { OAuthError } from "./errors.js";
import { hashSecret, safeEqual } from "./secrets.js";

const APP_ID = /^app_[0-9A-Za-z]{16,32}$/;

/** The form fields of a token or revocation request, as received (unknown fields are ignored). */
export type OAuthForm = Readonly<Record<string, unknown>>;

/** A form field as a string: absent is `undefined`; anything but one string is `invalid_request`. */
export function field(form: OAuthForm, name: string): string | undefined {
  const value = form[name];
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw new OAuthError("invalid_request", `${name} must be given once, as a string.`);
  if (value.includes("\u0000")) throw new OAuthError("invalid_request", `${name} must not contain NUL characters.`);
  return value;
}

/** An app by client id, if the id is well-formed and exists. */
export async function findClient(db: Db, clientId: string): Promise<OAuthAppRow | undefined> {
  if (!APP_ID.test(clientId)) return undefined;
  return db.selectFrom("oauth_apps").selectAll().where("id", "=", clientId).executeTakeFirst();
}

/** `client_id:client_secret` from an HTTP Basic header, both parts form-urldecoded (RFC 6749 §2.3.1). */
function parseBasic(header: string): { id: string; secret: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part.replace(/\+/g, " "));
    } catch {
      return null;
    }
  };
  const id = decode(decoded.slice(0, colon));
  const secret = decode(decoded.slice(colon + 1));
  return id === null || secret === null ? null : { id, secret };
}

/**
 * Authenticates the client of a token or revocation request (RFC 6749 §2.3): HTTP Basic
 * (`client_secret_basic`), form fields (`client_secret_post`), or `client_id` alone for a public
 * app (`none`). More than one method is `invalid_request`; an unknown client, a wrong secret, a
 * confidential app without its secret or a public app with one is `401 invalid_client` (with
 * `WWW-Authenticate` when Basic was tried). Resolves to the client's app.
 */
export async function authenticateClient(
  db: Db,
  authorization: string | undefined,
  form: OAuthForm,
): Promise<OAuthAppRow> {
  const formId = field(form, "client_id");
  const formSecret = field(form, "client_secret");
  const basicHeader = authorization && /^Basic\s/i.test(authorization) ? authorization : undefined;
  const failed = (detail: string) => new OAuthError("invalid_client", detail, 401, basicHeader !== undefined);
  let clientId: string | undefined;
  let secret: string | undefined;
  if (basicHeader) {
    if (formSecret !== undefined) {
      throw new OAuthError("invalid_request", "Use one client authentication method: HTTP Basic or client_secret.");
    }
    const basic = parseBasic(basicHeader);
    if (!basic) throw failed("Client authentication failed: the Basic credentials are malformed.");
    if (formId !== undefined && formId !== basic.id) {
      throw new OAuthError("invalid_request", "client_id differs from the client of the Basic credentials.");
    }
    clientId = basic.id;
    secret = basic.secret;
  } else {
    clientId = formId;
    secret = formSecret;
  }
  if (clientId === undefined) throw failed("Client authentication failed: no client_id.");
  const app = await findClient(db, clientId);
  if (!app) throw failed("Client authentication failed.");
  if (app.confidential) {
    if (secret === undefined || !app.client_secret_hash || !safeEqual(hashSecret(secret), app.client_secret_hash)) {
      throw failed("Client authentication failed.");
    }
  } else if (secret !== undefined) {
    throw failed(`Client authentication failed: ${app.id} is a public client and has no secret.`);
  }
  return app;
}
