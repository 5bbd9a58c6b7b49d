/** Why a webhook delivery failed verification; stable, safe to match on (the messages are not). */
export type WebhookVerificationErrorCode =
  | "missing_header"
  | "invalid_header"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "no_matching_signature"
  | "invalid_secret"
  | "invalid_payload";

/**
 * Thrown when a webhook delivery cannot be verified; answer the request with `400` and match on `code`.
 *
 * @example
 * ```ts
 * try {
 *   verifyWebhook({ payload, headers, secret });
 * } catch (error) {
 *   if (error instanceof WebhookVerificationError) return res.status(400).send(error.code);
 *   throw error;
 * }
 * ```
 */
export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
  /** Stable machine-readable reason. */
  readonly code: WebhookVerificationErrorCode;

  /** Creates the error; the message should say how to fix it. Never put a secret in it. */
  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
