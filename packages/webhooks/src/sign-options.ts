/** What {@link signWebhook} and {@link signWebhookAsync} sign. */
export interface SignWebhookOptions {
  /** The `webhook-id` header (the event id, `evt_…`). */
  id: string;
  /** The `webhook-timestamp` header, Unix time in seconds. */
  timestamp: number;
  /** The raw body exactly as sent. */
  payload: string | Uint8Array;
  /** The endpoint's signing secret, `whsec_<base64>`. */
  secret: string;
}

/** The timestamp as it goes into the signed content; refuses anything but whole seconds. */
export function timestampSeconds(timestamp: number): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError("timestamp must be a whole number of seconds since the Unix epoch, not milliseconds.");
  }
  return String(timestamp);
}
