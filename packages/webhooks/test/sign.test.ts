import { describe, expect, it } from "vitest";
import { signWebhook, WebhookVerificationError } from "../src/index.js";
import { VECTORS } from "./vectors.js";

const VECTOR = VECTORS.official_sign_vectors[0];

describe("signWebhook", () => {
  it.each([...VECTORS.official_sign_vectors, ...VECTORS.derived_vectors_not_in_repo])(
    "reproduces vector $id",
    (vector) => {
      const options = { id: vector.msg_id, timestamp: vector.timestamp, secret: vector.secret };
      expect(signWebhook({ ...options, payload: vector.payload })).toBe(vector.expected_signature);
      expect(signWebhook({ ...options, payload: new TextEncoder().encode(vector.payload) })).toBe(
        vector.expected_signature,
      );
    },
  );

  it("signs the same with or without the whsec_ prefix", () => {
    if (!VECTOR) throw new Error("no sign vector");
    const options = { id: VECTOR.msg_id, timestamp: VECTOR.timestamp, payload: VECTOR.payload };
    expect(signWebhook({ ...options, secret: VECTOR.secret.replace(/^whsec_/, "") })).toBe(VECTOR.expected_signature);
  });

  it.each([["whsec_"], [""], ["whsec_not base64!"], ["whsec_abcde"]])("refuses the secret %j", (secret) => {
    expect(() => signWebhook({ id: "evt_1", timestamp: 1, payload: "{}", secret })).toThrow(
      expect.objectContaining({ code: "invalid_secret" }),
    );
    expect(() => signWebhook({ id: "evt_1", timestamp: 1, payload: "{}", secret })).toThrow(WebhookVerificationError);
  });

  it.each([[1.5], [-1], [Number.NaN]])("refuses the timestamp %j", (timestamp) => {
    expect(() => signWebhook({ id: "evt_1", timestamp, payload: "{}", secret: VECTOR?.secret ?? "" })).toThrow(
      RangeError,
    );
  });
});
