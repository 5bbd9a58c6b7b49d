import type { components } from "@timecard/sdk";

type OAuthServerMetadata = components["schemas"]["OAuthServerMetadata"];

/**
 * The authorization server metadata (RFC 8414 §2) of the server at `issuer` (its public base
 * URL, without a trailing slash).
 *
 * @example
 * ```ts
 * serverMetadata("https://api.timecard.dev").token_endpoint; // "https://api.timecard.dev/oauth/token"
 * ```
 */
export function serverMetadata(issuer: string): OAuthServerMetadata {
  const base = issuer.replace(/\/+$/, "");
  const methods: OAuthServerMetadata["token_endpoint_auth_methods_supported"] = [
    "client_secret_basic",
    "client_secret_post",
    "none",
  ];
  return {
    issuer: base,
    authorization_endpoint: `${base}/oauth/authorize`,
    token_endpoint: `${base}/oauth/token`,
    revocation_endpoint: `${base}/oauth/revoke`,
    scopes_supported: ["read", "write", "admin"],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "client_credentials", "refresh_token"],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: methods,
    revocation_endpoint_auth_methods_supported: methods,
    service_documentation: "https://docs.timecard.dev/oauth",
  };
}
