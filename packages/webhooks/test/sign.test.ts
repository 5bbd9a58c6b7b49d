import { describe, expect, it } from "vitest";
import { type SignWebhookOptions, signWebhook, signWebhookAsync, WebhookVerificationError } from "../src/index.js";
import * as web from "../src/web.js";
import { VECTORS } from "./vectors.js";

const VECTOR = VECTORS.official_sign_vectors[0];

type Sign = (options: SignWebhookOptions) => Promise<string>;
const SIGNERS: [string, Sign][] = [
  ["signWebhook", async (options) => signWebhook(options)],
  ["signWebhookAsync", signWebhookAsync],
  ["signWebhookAsync from /web", web.signWebhookAsync],
];

describe.each(SIGNERS)("%s", (_name, sign) => {
  it.each([...VECTORS.official_sign_vectors, ...VECTORS.derived_vectors_not_in_repo])(
    "reproduces vector $id",
    async (vector) => {
      const options = { id: vector.msg_id, timestamp: vector.timestamp, secret: vector.secret };
      expect(await sign({ ...options, payload: vector.payload })).toBe(vector.expected_signature);
      expect(await sign({ ...options, payload: new TextEncoder().encode(vector.payload) })).toBe(
        vector.expected_signature,
      );
    },
  );

  it("signs the same with or without the whsec_ prefix", async () => {
    if (!VECTOR) throw new Error("no sign vector");
    const options = { id: VECTOR.msg_id, timestamp: VECTOR.timestamp, payload: VECTOR.payload };
    expect(await sign({ ...options, secret: VECTOR.secret.replace(/^whsec_/, "") })).toBe(VECTOR.expected_signature);
  });

  it("signs empty and large bodies like node:crypto does", async () => {
    const secret = VECTOR?.secret ?? "";
    for (const payload of ["", "é".repeat(100_000), new Uint8Array(70_000).fill(0xff)]) {
      const options = { id: "evt_1", timestamp: 1, payload, secret };
      expect(await sign(options)).toBe(signWebhook(options));
    }
  });

  it.each([["whsec_"], [""], ["whsec_not base64!"], ["whsec_abcde"]])("refuses the secret %j", async (secret) => {
    const error = await sign({ id: "evt_1", timestamp: 1, payload: "{}", secret }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toMatchObject({ code: "invalid_secret" });
  });

  it.each([[1.5], [-1], [Number.NaN], [2 ** 53]])("refuses the timestamp %j", async (timestamp) => {
    await expect(sign({ id: "evt_1", timestamp, payload: "{}", secret: VECTOR?.secret ?? "" })).rejects.toThrow(
      RangeError,
    );
  });
});

describe("signWebhook", () => {
  it("is synchronous", () => {
    expect(() => signWebhook({ id: "evt_1", timestamp: 1.5, payload: "{}", secret: VECTOR?.secret ?? "" })).toThrow(
      RangeError,
    );
  });
});
