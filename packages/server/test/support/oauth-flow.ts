import { createHash, randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { TestServer } from "./harness.js";

// The browser and client sides of an OAuth flow, over any transport: `app.inject()` in process
// or `fetch` to a real port. No redirect is ever followed: the tests read each `Location`.

/** One HTTP exchange as the tests see it. */
export interface Exchange {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: responses are read like JSON
  json(): any;
}

/** Sends a request: `method`, a path (with query), headers and a raw body. */
export type Transport = (
  method: "GET" | "POST" | "DELETE",
  path: string,
  options?: { headers?: Record<string, string>; body?: string },
) => Promise<Exchange>;

function exchange(status: number, headers: Record<string, string>, text: string): Exchange {
  return { status, headers, text, json: () => JSON.parse(text) };
}

/** Requests through `app.inject()`, from `remoteAddress` (a per-test address keeps the IP limit apart). */
export function injectTransport(server: TestServer, remoteAddress = "198.51.100.7"): Transport {
  return async (method, path, options = {}) => {
    const res = await server.app.inject({
      method,
      url: path,
      headers: options.headers ?? {},
      ...(options.body === undefined ? {} : { payload: options.body }),
      remoteAddress,
    });
    const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
    return exchange(res.statusCode, headers, res.body);
  };
}

/** Requests over real HTTP to `baseUrl`, redirects not followed. */
export function fetchTransport(baseUrl: string): Transport {
  return async (method, path, options = {}) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: options.headers ?? {},
      ...(options.body === undefined ? {} : { body: options.body }),
      redirect: "manual",
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return exchange(res.status, headers, await res.text());
  };
}

/** A PKCE verifier and its S256 challenge (RFC 7636 §4.1, §4.2). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** A form body. */
export function form(fields: Record<string, string | undefined>): string {
  const defined = Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined);
  return new URLSearchParams(defined).toString();
}

const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** What an app asks at `/oauth/authorize`. */
export interface AuthorizeParams {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly scope?: string;
  readonly state?: string;
}

/** The authorization request's query fields. */
export function authorizeFields(p: AuthorizeParams): Record<string, string | undefined> {
  return {
    response_type: "code",
    client_id: p.clientId,
    redirect_uri: p.redirectUri,
    scope: p.scope,
    state: p.state,
    code_challenge: p.challenge,
    code_challenge_method: "S256",
  };
}

/** `/oauth/authorize?…` for these parameters. */
export function authorizePath(p: AuthorizeParams): string {
  return `/oauth/authorize?${form(authorizeFields(p))}`;
}

/** The query parameters of a `Location`. */
export function locationParams(res: Exchange): URLSearchParams {
  expect(res.status, res.text).toBe(302);
  return new URL(res.headers.location as string).searchParams;
}

/** Posts the consent form as the page would: same origin, the request's fields, a decision and a sign-in. */
export function postConsent(
  transport: Transport,
  p: AuthorizeParams,
  extra: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<Exchange> {
  return transport("POST", "/oauth/authorize", {
    headers: { ...FORM, ...headers },
    body: form({ ...authorizeFields(p), ...extra }),
  });
}

/** The user signs in with `apiKey` and approves: answers the code (and the session cookie). */
export async function approve(
  transport: Transport,
  p: AuthorizeParams,
  apiKey: string,
): Promise<{ code: string; state: string | null; cookie: string | undefined; location: string }> {
  const page = await transport("GET", authorizePath(p));
  expect(page.status, page.text).toBe(200);
  const res = await postConsent(transport, p, { api_key: apiKey, decision: "approve" });
  const params = locationParams(res);
  const code = params.get("code");
  expect(code).toMatch(/^ac_/);
  const cookie = res.headers["set-cookie"]?.split(";")[0];
  return { code: code as string, state: params.get("state"), cookie, location: res.headers.location as string };
}

/** A request to the token endpoint. */
export function tokenRequest(
  transport: Transport,
  fields: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<Exchange> {
  return transport("POST", "/oauth/token", { headers: { ...FORM, ...headers }, body: form(fields) });
}

/** A request to the revocation endpoint. */
export function revokeRequest(
  transport: Transport,
  fields: Record<string, string | undefined>,
  headers: Record<string, string> = {},
): Promise<Exchange> {
  return transport("POST", "/oauth/revoke", { headers: { ...FORM, ...headers }, body: form(fields) });
}

/** `Authorization: Basic` for a client, both parts form-urlencoded first (RFC 6749 §2.3.1). */
export function basic(clientId: string, secret: string): Record<string, string> {
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return { authorization: `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString("base64")}` };
}

/** Asserts an RFC 6749 §5.2 error (JSON, not a problem) of this status and code. */
export function expectOAuthError(res: Exchange, status: number, error: string): void {
  expect({ status: res.status, body: res.text }).toMatchObject({ status });
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  expect(res.json()).toMatchObject({ error, error_description: expect.any(String) });
  expect(res.headers.location).toBeUndefined();
}

/** The full authorization code flow for a user: answers the token response. */
export async function codeFlow(
  transport: Transport,
  app: { id: string; client_secret?: string | null },
  redirectUri: string,
  apiKey: string,
  scope?: string,
  // biome-ignore lint/suspicious/noExplicitAny: responses are read like JSON
): Promise<any> {
  const { verifier, challenge } = pkce();
  const p = { clientId: app.id, redirectUri, challenge, scope, state: "s1" };
  const { code } = await approve(transport, p, apiKey);
  const res = await tokenRequest(transport, {
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri,
    code_verifier: verifier,
    client_id: app.id,
    client_secret: app.client_secret ?? undefined,
  });
  expect(res.status, res.text).toBe(200);
  return res.json();
}
