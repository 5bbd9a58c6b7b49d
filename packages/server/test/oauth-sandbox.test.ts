import { beforeAll, describe, expect, it } from "vitest";
import { ensureSandboxSeed, SANDBOX_KEYS, SANDBOX_ORGANIZATION_IDS } from "../src/sandbox/seed.js";
import { call, useTestServer } from "./support/harness.js";
import { basic, codeFlow, injectTransport, tokenRequest } from "./support/oauth-flow.js";

// OAuth in the sandbox: an app made with a tc_test_ key issues test-mode tokens, which the
// sandbox-only operations accept, and a reset keeps the apps, their tokens and the employees
// they act for (the OAuth tables are the integration's setup, like API keys). A database of
// its own: the reset must not race another file's use of the seeded organizations.
const server = useTestServer({ TIMECARD_SANDBOX: "true" }, { ownDatabase: true });
const ADMIN = SANDBOX_KEYS.find((k) => k.country === "PL" && k.role === "admin" && k.scope === "full")
  ?.secret as string;
const JAN = SANDBOX_KEYS.find((k) => k.country === "PL" && k.role === "employee" && k.scope === "full")
  ?.secret as string;
const WEB = "https://bridge.example.com/oauth/callback";

beforeAll(async () => {
  await ensureSandboxSeed(server.storage.db, server.clock.now);
});

describe("OAuth in the sandbox", () => {
  it("test-mode tokens run the sandbox operations, and a reset keeps apps, tokens and their employees", async () => {
    const t = injectTransport(server);
    const bot = await call(server, ADMIN, "POST", "/v1/employees", {
      name: "Integration Bot",
      email: `bot.${Date.now()}@example.pl`,
      role: "admin",
    });
    expect(bot.status, JSON.stringify(bot.body)).toBe(201);
    const app = await call(server, ADMIN, "POST", "/v1/oauth-apps", {
      name: "Sandbox bridge",
      redirect_uris: [WEB],
      allowed_scopes: ["read", "write", "admin"],
      grant_types: ["authorization_code", "refresh_token", "client_credentials"],
      client_credentials_employee_id: bot.body.id,
    });
    expect(app.status).toBe(201);
    const user = await codeFlow(t, app.body, WEB, JAN, "read write");
    const cc = await tokenRequest(t, { grant_type: "client_credentials" }, basic(app.body.id, app.body.client_secret));
    const botToken = cc.json().access_token as string;
    expect((await call(server, botToken, "GET", "/v1/me")).body.credential.mode).toBe("test");

    const reset = await call(server, botToken, "POST", "/v1/sandbox/reset");
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);

    expect((await call(server, ADMIN, "GET", `/v1/oauth-apps/${app.body.id}`)).status).toBe(200);
    expect((await call(server, user.access_token, "GET", "/v1/me")).status).toBe(200);
    expect((await call(server, botToken, "GET", "/v1/me")).body.user.id).toBe(bot.body.id);
    const refreshed = await tokenRequest(t, {
      grant_type: "refresh_token",
      refresh_token: user.refresh_token,
      client_id: app.body.id,
      client_secret: app.body.client_secret,
    });
    expect(refreshed.status).toBe(200);
    const again = await tokenRequest(
      t,
      { grant_type: "client_credentials" },
      basic(app.body.id, app.body.client_secret),
    );
    expect(again.status).toBe(200);
    const employees = await call(server, ADMIN, "GET", "/v1/employees?limit=100");
    expect(employees.body.data.map((e: { id: string }) => e.id)).toContain(bot.body.id);
    expect(SANDBOX_ORGANIZATION_IDS.PL).toBe(app.body.organization_id);
  });
});
