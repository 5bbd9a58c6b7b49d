/** One invalid field of a request, as `errors[]` of a problem lists it. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

const TITLES: Record<string, string> = {
  malformed_json: "Malformed JSON",
  invalid_cursor: "Invalid cursor",
  unauthenticated: "Authentication required",
  invalid_api_key: "Invalid API key",
  key_revoked: "API key revoked",
  key_expired: "API key expired",
  invalid_token: "Invalid access token",
  insufficient_scope: "Insufficient scope",
  invalid_signature: "Invalid signature",
  forbidden: "Forbidden",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  session_already_running: "Session already running",
  session_overlap: "Session overlap",
  leave_overlap: "Leave overlap",
  invalid_state: "Invalid state",
  already_exists: "Already exists",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  validation_failed: "Validation failed",
  idempotency_key_reused: "Idempotency key reused",
  idempotency_key_in_use: "Idempotency key in use",
  rate_limited: "Rate limit exceeded",
  internal_error: "Internal error",
  not_implemented: "Not implemented",
};

/**
 * An error the API answers as `application/problem+json` (RFC 9457) with a stable `code`.
 * Domain code throws these; the HTTP layer renders them.
 */
export class ApiProblem extends Error {
  override readonly name = "ApiProblem";
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(detail);
  }

  get title(): string {
    return TITLES[this.code] ?? "Error";
  }
}

/** 404 for a resource that does not exist in the caller's organization (or that the caller may not see). */
export function notFound(what: string, id: string): ApiProblem {
  return new ApiProblem(404, "not_found", `No ${what} ${id} in this organization.`);
}

/** 422 for one invalid field. */
export function invalidField(field: string, message: string): ApiProblem {
  return new ApiProblem(422, "validation_failed", `${field} ${message}.`, [{ field, message }]);
}

/** 409 for a transition the resource's state does not allow. */
export function invalidState(detail: string): ApiProblem {
  return new ApiProblem(409, "invalid_state", detail);
}

/** 403 for a role that may not do this. */
export function forbidden(detail: string): ApiProblem {
  return new ApiProblem(403, "forbidden", detail);
}
