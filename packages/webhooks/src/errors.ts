/** Why a webhook delivery failed verification; stable, safe to match on (the messages are not). */
export type WebhookVerificationErrorCode =
  | "missing_header"
  | "invalid_header"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "no_matching_signature"
  | "invalid_secret"
  | "invalid_payload";

/** The HTTP status a receiver should answer with; any non-2xx makes Timecard retry the delivery. */
export type WebhookVerificationErrorStatus = 400 | 401 | 500;

const STATUS: Readonly<Record<WebhookVerificationErrorCode, WebhookVerificationErrorStatus>> = {
  missing_header: 400,
  invalid_header: 400,
  invalid_payload: 400,
  // RFC 9110 §15.5.2: the request lacks valid authentication credentials.
  timestamp_too_old: 401,
  timestamp_too_new: 401,
  no_matching_signature: 401,
  // The receiver's own configuration is wrong, not the delivery.
  invalid_secret: 500,
};

/**
 * Thrown when a webhook delivery cannot be verified; answer the request with `status` and match on `code`.
 *
 * @example
 * ```ts
 * try {
 *   verifyWebhook({ payload, headers, secret });
 * } catch (error) {
 *   if (error instanceof WebhookVerificationError) return res.status(error.status).send(error.code);
 *   throw error;
 * }
 * ```
 */
export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
  /** Stable machine-readable reason. */
  readonly code: WebhookVerificationErrorCode;
  /** The HTTP status to answer with: 400 for a malformed delivery, 401 for a bad signature or timestamp, 500 for a bad secret. */
  readonly status: WebhookVerificationErrorStatus;

  /** Creates the error; the message should say how to fix it. Never put a secret in it. */
  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.code = code;
    this.status = STATUS[code];
  }
}
