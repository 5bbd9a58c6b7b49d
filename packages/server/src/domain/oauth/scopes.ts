import type { components } from "@timecard/sdk";
import type { Role } from "../actor.js";

/** An OAuth scope (the spec's `OAuthScope`). */
export type OAuthScope = components["schemas"]["OAuthScope"];

/** The scopes in the order the spec lists them. */
export const OAUTH_SCOPES = ["read", "write", "admin"] as const satisfies readonly OAuthScope[];

const SCOPE_PATTERN = /^(read|write|admin)( (read|write|admin))*$/;

/** Space-separated scopes (`read write`), in the spec's order without repeats, or `null` when one is unknown. */
export function parseScopes(value: string): OAuthScope[] | null {
  // The spec's pattern for `scope`: names separated by single spaces (RFC 6749 §3.3).
  if (value.length > 64 || !SCOPE_PATTERN.test(value)) return null;
  const names = value.split(" ");
  return OAUTH_SCOPES.filter((s) => names.includes(s));
}

/** Scopes as the space-separated text OAuth uses (and the database stores). */
export function formatScopes(scopes: readonly OAuthScope[]): string {
  return OAUTH_SCOPES.filter((s) => scopes.includes(s)).join(" ");
}

/** Whether every scope of `wanted` is in `allowed`. */
export function isSubset(wanted: readonly OAuthScope[], allowed: readonly OAuthScope[]): boolean {
  return wanted.every((s) => allowed.includes(s));
}

/**
 * What a token's scopes let its user do: the scopes intersected with the role, as the
 * introduction's matrix says (only admins manage the organization, so `admin` is dropped for
 * the other roles).
 */
export function effectiveScopes(scopes: readonly OAuthScope[], role: Role): OAuthScope[] {
  return scopes.filter((s) => s !== "admin" || role === "admin");
}
