import type { components } from "@timecard/sdk";

/** The error codes of RFC 6749 §4.1.2.1 and §5.2 that Timecard answers (the spec's `OAuthError.error`). */
export type OAuthErrorCode = components["schemas"]["OAuthError"]["error"];

/**
 * An OAuth error, answered by the `/oauth/` endpoints as an RFC 6749 §5.2 JSON object (not a
 * problem) or, at the authorization endpoint once the client is known, as query parameters of
 * the redirect (§4.1.2.1).
 */
export class OAuthError extends Error {
  override readonly name = "OAuthError";
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    /** The HTTP status when answered directly: 400, or 401 for `invalid_client`. */
    readonly status: 400 | 401 = error === "invalid_client" ? 401 : 400,
    /** Whether the client tried HTTP Basic: a 401 then carries `WWW-Authenticate` (RFC 6749 §5.2). */
    readonly basic = false,
  ) {
    super(description);
  }

  /** The JSON body (the spec's `OAuthError`). */
  toJSON(): { error: OAuthErrorCode; error_description: string; error_uri: string } {
    return {
      error: this.error,
      error_description: this.description,
      error_uri: `https://docs.timecard.dev/oauth/errors#${this.error}`,
    };
  }
}
