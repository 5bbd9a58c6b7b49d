import { AuthenticationError, createTimecard, PermissionDeniedError } from "@timecard/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../src/server.js";
import { call, createWorld, useTestServer, type World } from "./support/harness.js";
import { codeFlow, fetchTransport, revokeRequest, type Transport, tokenRequest } from "./support/oauth-flow.js";

// What an integrator does: registers a public app, runs the PKCE flow against a real server
// over real HTTP (the browser's part included), then calls the API through the SDK with the
// access token it got.
const server = useTestServer();
let running: RunningServer;
let http: Transport;
let world: World;
// biome-ignore lint/suspicious/noExplicitAny: API answers are read like JSON
let app: any;
const REDIRECT = "http://127.0.0.1/callback";

beforeAll(async () => {
  running = await startServer({
    config: { ...server.config, port: 0, host: "127.0.0.1", logLevel: "silent" },
    storage: server.storage,
    now: () => server.clock.now,
    signals: [],
  });
  http = fetchTransport(running.url);
  world = await createWorld(server);
  const created = await call(server, world.admin.key, "POST", "/v1/oauth-apps", {
    name: "SDK app",
    redirect_uris: [REDIRECT],
    allowed_scopes: ["read", "write"],
    confidential: false,
  });
  expect(created.status).toBe(201);
  app = created.body;
});

afterAll(async () => {
  await running?.close();
});

describe("the SDK with an OAuth access token", () => {
  it("calls the API as the user who approved, until the token is revoked", async () => {
    const tokens = await codeFlow(http, app, REDIRECT, world.employee.key);
    const timecard = createTimecard({ accessToken: tokens.access_token, baseUrl: running.url, maxRetries: 0 });
    const me = await timecard.me.get();
    expect(me.user.id).toBe(world.employee.id);
    expect(me.credential).toMatchObject({ type: "oauth_token", id: app.id, oauth_scopes: ["read", "write"] });
    const session = await timecard.sessions.start({ note: "SDK over OAuth" });
    expect(session.employee_id).toBe(world.employee.id);
    expect((await timecard.sessions.stop(session.id)).status).toBe("completed");

    expect((await revokeRequest(http, { token: tokens.access_token, client_id: app.id })).status).toBe(200);
    const error = await timecard.me.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe("invalid_token");
  });

  it("a read token is refused writes with insufficient_scope", async () => {
    const tokens = await codeFlow(http, app, REDIRECT, world.colleague.key, "read");
    const timecard = createTimecard({ accessToken: tokens.access_token, baseUrl: running.url, maxRetries: 0 });
    expect((await timecard.projects.list()).data).toEqual(expect.any(Array));
    const error = await timecard.sessions.start({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as PermissionDeniedError).code).toBe("insufficient_scope");
  });

  it("getAccessToken can refresh: each call gets the token of the latest rotation", async () => {
    let current = await codeFlow(http, app, REDIRECT, world.manager.key);
    const issued: string[] = [];
    const timecard = createTimecard({
      baseUrl: running.url,
      maxRetries: 0,
      getAccessToken: async () => {
        const res = await tokenRequest(http, {
          grant_type: "refresh_token",
          refresh_token: current.refresh_token,
          client_id: app.id,
        });
        expect(res.status, res.text).toBe(200);
        current = res.json();
        issued.push(current.access_token);
        return current.access_token;
      },
    });
    expect((await timecard.me.get()).user.id).toBe(world.manager.id);
    expect((await timecard.me.get()).user.id).toBe(world.manager.id);
    expect(new Set(issued).size).toBe(2);
  });
});
