import type { AuthorizationOutcome } from "./authorize.js";
import type { OAuthScope } from "./scopes.js";

/** What the page says each scope lets the app do (the spec's `oauth2` scope descriptions). */
const SCOPE_TEXT: Record<OAuthScope, string> = {
  read: "Read the data your role may see",
  write: "Create and change the data your role may change",
  admin: "Manage the organization, employees, API keys, webhooks and OAuth apps (admins only)",
};

/**
 * The headers of the page: it must not be framed (`frame-ancestors 'none'`, RFC 6749 §10.13
 * against clickjacking), cached or leak its URL in a Referer; it runs no script.
 */
export const CONSENT_PAGE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": "frame-ancestors 'none'; default-src 'none'; style-src 'unsafe-inline'",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
};

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

function hidden(name: string, value: string | undefined): string {
  return value === undefined ? "" : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

/** The sign-in and consent page (HTML) for an authorization the user has to approve. */
export function renderConsentPage(outcome: Extract<AuthorizationOutcome, { kind: "page" }>): string {
  const { request, user, csrf, message } = outcome;
  const app = request.app;
  const scopes = request.scopes.map((s) => `<li><strong>${s}</strong>: ${escapeHtml(SCOPE_TEXT[s])}</li>`).join("");
  const signIn = user
    ? `<p>Signed in as <strong>${escapeHtml(user.name)}</strong>.</p>${hidden("csrf", csrf ?? undefined)}`
    : `<label for="api_key">Sign in with your Timecard API key (${app.mode === "test" ? "tc_test_…" : "tc_live_…"})</label>
<input id="api_key" name="api_key" type="password" autocomplete="off" spellcheck="false" required>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorize ${escapeHtml(app.name)} · Timecard</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}input[type=password]{width:100%;padding:.4rem}.error{color:#b00020}button{margin:1rem .5rem 0 0;padding:.5rem 1rem}</style>
</head><body>
<h1>Authorize ${escapeHtml(app.name)}</h1>
${app.description ? `<p>${escapeHtml(app.description)}</p>` : ""}
<p><strong>${escapeHtml(app.name)}</strong> asks to act for you in Timecard:</p>
<ul>${scopes}</ul>
<p>It can never do more than your role allows. You will be sent to <code>${escapeHtml(request.redirectUri)}</code>.</p>
${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ""}
<form method="post" action="/oauth/authorize">
${hidden("response_type", "code")}${hidden("client_id", app.id)}${hidden("redirect_uri", request.redirectUri)}${hidden("scope", request.scopes.join(" "))}${hidden("state", request.state)}${hidden("code_challenge", request.codeChallenge)}${hidden("code_challenge_method", "S256")}
${signIn}
<div><button type="submit" name="decision" value="approve">Approve</button><button type="submit" name="decision" value="deny" formnovalidate>Deny</button></div>
</form>
</body></html>
`;
}
