/**
 * The typed client for the Timecard API.
 *
 * `createTimecard()` gives two faces over one core: methods named after the spec's operations
 * and grouped by tag (`timecard.sessions.start()`), which answer data and throw typed errors,
 * and the raw openapi-fetch client (`timecard.raw.GET(...)`), which answers `{ data, error }`.
 * Both retry, time out, add idempotency keys and track rate limits the same way.
 *
 * @example
 * ```ts
 * import { createTimecard, NotFoundError } from "@timecard/sdk";
 *
 * const timecard = createTimecard({ apiKey: process.env.TIMECARD_API_KEY });
 * for await (const session of timecard.sessions.list({ from: "2026-10-01", to: "2026-10-31" })) {
 *   console.log(session.id, session.duration_seconds);
 * }
 * ```
 *
 * @packageDocumentation
 */

export {
  ApiError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  errorFromResponse,
  type FieldError,
  type LastResponse,
  NotFoundError,
  type Page,
  PagePromise,
  PermissionDeniedError,
  RateLimitError,
  type RateLimitState,
  type RawClient,
  type RequestHookInfo,
  type RequestOptions,
  type ResponseHookInfo,
  ServerError,
  TimecardError,
  type TimecardOptions,
  TimeoutError,
  ValidationError,
  VERSION,
  type WithLastResponse,
} from "./core/index.js";
export type * from "./generated/methods.js";
export type { OperationId, OperationInfo, OperationScope } from "./generated/operations.js";
export { OPERATIONS } from "./generated/operations.js";
export type { components, operations, paths } from "./generated/schema.js";
export type { ApiSchema } from "./schema-types.js";
export { createTimecard, type Timecard, type TimecardWebhooks } from "./timecard.js";
