import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receiver, sendTestEvent, startReceiver } from "../examples/webhook-receiver.js";
import { loadServerConfig } from "../packages/server/src/config.js";
import { type RunningServer, SANDBOX_KEYS, startServer } from "../packages/server/src/server.js";

// The examples run against a real sandbox server (in this process, on loopback), with its
// dispatcher running as in production: what a developer sees after `npm run sandbox`.
let server: RunningServer;
let receiver: Receiver;
const adminKey = SANDBOX_KEYS.find((k) => k.role === "admin" && k.scope === "full" && k.country === "PL")?.secret ?? "";

beforeAll(async () => {
  const config = { ...loadServerConfig({ TIMECARD_SANDBOX: "true", LOG_LEVEL: "silent" }), port: 0 };
  server = await startServer({ config, signals: [], logStream: { write: () => true } });
  receiver = await startReceiver({ baseUrl: server.url, apiKey: adminKey, port: 0 });
}, 60_000);

afterAll(async () => {
  await receiver?.close();
  await server?.close();
});

describe("examples/webhook-receiver.ts", () => {
  it("registers itself and verifies its test event", async () => {
    expect(await sendTestEvent(server.url, adminKey, receiver.endpointId)).toBe("SUCCESS");
    expect(receiver.events.map((e) => e.type)).toEqual(["webhook.test"]);
  });

  it("receives an event within moments of the change, woken by the commit", async () => {
    const res = await fetch(`${server.url}/v1/sandbox/trigger`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "session.stopped" }),
    });
    expect(res.status).toBe(201);
    const deadline = Date.now() + 10_000;
    while (!receiver.events.some((e) => e.type === "session.stopped") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(receiver.events.map((e) => e.type)).toContain("session.stopped");
  });
});
