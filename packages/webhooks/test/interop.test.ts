import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signWebhook, signWebhookAsync, verifyWebhook, verifyWebhookAsync } from "../src/index.js";

// Interoperability with the reference JavaScript library (standardwebhooks on npm), which checks
// timestamps against the real clock, so these use the current time.
const SECRETS = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr"];
const PAYLOADS = ['{"test": 2432232314}', JSON.stringify({ id: "evt_1", type: "session.started", data: { n: "ž🐎" } })];
const CASES = SECRETS.flatMap((secret) => PAYLOADS.map((payload) => ({ secret, payload })));

describe("interop with standardwebhooks", () => {
  it.each(CASES)("verifies what the reference library signs ($secret, $payload)", async ({ secret, payload }) => {
    const date = new Date();
    const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const signature = new Webhook(secret).sign(id, date, payload);
    const headers = {
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(date.getTime() / 1000)),
      "webhook-signature": signature,
    };
    expect(verifyWebhook({ payload, headers, secret })).toEqual(JSON.parse(payload));
    expect(verifyWebhook({ payload: Buffer.from(payload), headers, secret })).toEqual(JSON.parse(payload));
    expect(await verifyWebhookAsync({ payload, headers, secret })).toEqual(JSON.parse(payload));
    expect(await verifyWebhookAsync({ payload: Buffer.from(payload), headers, secret })).toEqual(JSON.parse(payload));
  });

  it.each(CASES)("the reference library verifies what we sign ($secret, $payload)", async ({ secret, payload }) => {
    const timestamp = Math.floor(Date.now() / 1000);
    const id = "evt_interop";
    const signature = signWebhook({ id, timestamp, payload, secret });
    const headers = { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
    expect(new Webhook(secret).verify(payload, headers)).toEqual(JSON.parse(payload));
    const asyncSignature = await signWebhookAsync({ id, timestamp, payload, secret });
    expect(asyncSignature).toBe(signature);
    expect(new Webhook(secret).verify(payload, { ...headers, "webhook-signature": asyncSignature })).toEqual(
      JSON.parse(payload),
    );
  });

  it("both refuse a tampered body", async () => {
    const [secret = "", payload = ""] = [SECRETS[0], PAYLOADS[0]];
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signWebhook({ id: "evt_x", timestamp, payload, secret });
    const headers = { "webhook-id": "evt_x", "webhook-timestamp": String(timestamp), "webhook-signature": signature };
    expect(() => new Webhook(secret).verify(`${payload} `, headers)).toThrow();
    expect(() => verifyWebhook({ payload: `${payload} `, headers, secret })).toThrow(
      expect.objectContaining({ code: "no_matching_signature" }),
    );
    await expect(verifyWebhookAsync({ payload: `${payload} `, headers, secret })).rejects.toMatchObject({
      code: "no_matching_signature",
    });
  });
});
