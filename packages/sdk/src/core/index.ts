export {
  type CallInit,
  type Core,
  createCore,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  type HttpMethod,
  type LastResponse,
  type RawClient,
  type WithLastResponse,
} from "./create-core.js";
export {
  ApiError,
  type ApiErrorInit,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  errorFromResponse,
  type FieldError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimecardError,
  TimeoutError,
  ValidationError,
} from "./errors.js";
export type { RequestHookInfo, RequestOptions, ResponseHookInfo, TimecardOptions } from "./options.js";
export { type FetchPage, type Page, PagePromise, paginate } from "./pagination.js";
export type { RateLimitState } from "./rate-limit.js";
export type { CoreInternals } from "./send.js";
export { VERSION } from "./version.js";
