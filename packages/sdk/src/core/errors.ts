import type { components } from "../generated/schema.js";
import { serverDelay } from "./retry.js";

/** One invalid field of a `422 validation_failed` answer. */
export type FieldError = components["schemas"]["FieldError"];

/** The base of every error the SDK throws (a caller's own abort reason excepted). */
export class TimecardError extends Error {
  static {
    TimecardError.prototype.name = "TimecardError";
  }

  /** A plain object for loggers (`JSON.stringify(error)`); holds no credential. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      json[key] = value instanceof Headers ? Object.fromEntries(value) : value;
    }
    if (this.cause instanceof Error) json.cause = { name: this.cause.name, message: this.cause.message };
    return json;
  }
}

/** What the API said, for building an {@link ApiError} by hand (in tests, for instance). */
export interface ApiErrorInit {
  status: number;
  code: string;
  title?: string | undefined;
  detail?: string | undefined;
  errors?: FieldError[] | undefined;
  requestId?: string | null | undefined;
  headers?: Headers | undefined;
  body?: unknown;
  /** Seconds to wait before retrying, for 429. */
  retryAfter?: number | null | undefined;
}

/**
 * The API answered with an error (RFC 9457 problem details). Match on `code`, never on the message.
 *
 * @example
 * ```ts
 * try {
 *   await timecard.sessions.start({ employee_id });
 * } catch (error) {
 *   if (error instanceof ConflictError && error.code === "session_already_running") return;
 *   throw error;
 * }
 * ```
 */
export class ApiError extends TimecardError {
  static {
    ApiError.prototype.name = "ApiError";
  }
  /** The HTTP status. */
  readonly status: number;
  /** The stable machine-readable code (`not_found`, `validation_failed`, …). */
  readonly code: string;
  /** A short summary of the kind of problem. */
  readonly title: string;
  /** What went wrong with this request, and how to fix it. */
  readonly detail: string;
  /** For validation errors, one entry per invalid field; otherwise empty. */
  readonly errors: FieldError[];
  /** The request id (`X-Request-Id`); quote it when you ask for support. */
  readonly requestId: string | null;
  /** The response headers (the request's, with the credential, are never kept). */
  readonly headers: Headers;
  /** The parsed response body. */
  readonly body: unknown;

  constructor(init: ApiErrorInit) {
    const requestId = init.requestId ?? null;
    const detail = init.detail ?? init.title ?? "";
    super(`${init.status} ${init.code}: ${detail}${requestId === null ? "" : ` (request ${requestId})`}`);
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? "";
    this.detail = detail;
    this.errors = init.errors ?? [];
    this.requestId = requestId;
    this.headers = init.headers ?? new Headers();
    this.body = init.body;
  }
}

/** 401: no credential, or an invalid, revoked or expired one. */
export class AuthenticationError extends ApiError {
  static {
    AuthenticationError.prototype.name = "AuthenticationError";
  }
  declare readonly status: 401;
}

/** 403: the credential's scope or the user's role does not allow the operation. */
export class PermissionDeniedError extends ApiError {
  static {
    PermissionDeniedError.prototype.name = "PermissionDeniedError";
  }
  declare readonly status: 403;
}

/** 404: no such resource in this organization (or one the caller may not see). */
export class NotFoundError extends ApiError {
  static {
    NotFoundError.prototype.name = "NotFoundError";
  }
  declare readonly status: 404;
}

/** 409: the request conflicts with the resource's current state. */
export class ConflictError extends ApiError {
  static {
    ConflictError.prototype.name = "ConflictError";
  }
  declare readonly status: 409;
}

/** 400, 413, 415 and 422: the request is malformed or invalid; see `errors` for the fields. */
export class ValidationError extends ApiError {
  static {
    ValidationError.prototype.name = "ValidationError";
  }
  declare readonly status: 400 | 413 | 415 | 422;
}

/** 429: the rate limit is exhausted; retry after `retryAfter` seconds. */
export class RateLimitError extends ApiError {
  static {
    RateLimitError.prototype.name = "RateLimitError";
  }
  declare readonly status: 429;
  /** Seconds to wait before retrying (`Retry-After`, else `X-RateLimit-Reset`); `null` when not said. */
  readonly retryAfter: number | null;

  constructor(init: ApiErrorInit) {
    super(init);
    this.retryAfter = init.retryAfter ?? null;
  }
}

/** 5xx: something failed on the server's side; retried automatically before it is thrown. */
export class ServerError extends ApiError {
  static {
    ServerError.prototype.name = "ServerError";
  }
}

/** The API could not be reached (DNS, refused connection, reset socket…); `cause` holds the fetch error. */
export class ConnectionError extends TimecardError {
  static {
    ConnectionError.prototype.name = "ConnectionError";
  }
}

/** No response arrived within `timeoutMs` (for each attempt). */
export class TimeoutError extends TimecardError {
  static {
    TimeoutError.prototype.name = "TimeoutError";
  }
}

type ApiErrorClass = new (init: ApiErrorInit) => ApiError;

function classFor(status: number): ApiErrorClass {
  switch (status) {
    case 400:
    case 413:
    case 415:
    case 422:
      return ValidationError;
    case 401:
      return AuthenticationError;
    case 403:
      return PermissionDeniedError;
    case 404:
      return NotFoundError;
    case 409:
      return ConflictError;
    case 429:
      return RateLimitError;
    default:
      return status >= 500 ? ServerError : ApiError;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * Builds the error for a non-2xx response, of the class its status calls for, from its
 * problem details (RFC 9457) or, on the OAuth endpoints, its RFC 6749 §5.2 error object: what
 * the methods throw, for code that calls the raw client and wants the same errors.
 *
 * @example
 * ```ts
 * const { data, error, response } = await timecard.raw.GET("/v1/projects");
 * if (!response.ok) throw errorFromResponse(response, error);
 * ```
 */
export function errorFromResponse(response: Response, body: unknown, now: number = Date.now()): ApiError {
  const problem = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const headers = response.headers;
  const delay = response.status === 429 ? serverDelay(429, headers, now) : null;
  const ErrorClass = classFor(response.status);
  return new ErrorClass({
    status: response.status,
    code: text(problem.code) ?? text(problem.error) ?? `http_${response.status}`,
    title: text(problem.title) ?? (response.statusText || undefined),
    detail:
      text(problem.detail) ??
      text(problem.error_description) ??
      (typeof body === "string" && body !== "" ? body.slice(0, 500) : undefined),
    errors: Array.isArray(problem.errors) ? (problem.errors as FieldError[]) : undefined,
    requestId: headers.get("x-request-id") ?? text(problem.request_id) ?? null,
    headers,
    body,
    retryAfter: delay === null ? null : Math.ceil(delay / 1000),
  });
}
