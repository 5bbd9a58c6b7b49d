import { describe, expect, it } from "vitest";
import { ConfigError, loadServerConfig, redactConfig } from "../src/index.js";

const KEY_HEX = "a".repeat(64);
const KEY_B64 = Buffer.alloc(32, 7).toString("base64");

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadServerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadServerConfig", () => {
  it("runs the sandbox on an in-memory PGlite with no settings", () => {
    const config = loadServerConfig({ TIMECARD_SANDBOX: "true" });
    expect(config).toMatchObject({ host: "127.0.0.1", port: 4000, sandbox: true, bodyLimitBytes: 1048576 });
    expect(config.storage).toEqual({ kind: "pglite", dataDir: null });
    expect(config.masterKey).toHaveLength(32);
  });

  it("uses PostgreSQL when DATABASE_URL is set", () => {
    const config = loadServerConfig({
      DATABASE_URL: "postgres://tc:pw@127.0.0.1:5432/tc",
      TIMECARD_MASTER_KEY: KEY_HEX,
    });
    expect(config.storage).toEqual({ kind: "postgres", url: "postgres://tc:pw@127.0.0.1:5432/tc" });
  });

  it.each([KEY_HEX, KEY_B64])("accepts a 32-byte master key %s", (key) => {
    expect(loadServerConfig({ TIMECARD_MASTER_KEY: key }).masterKey).toHaveLength(32);
  });

  it("requires a master key outside the sandbox", () => {
    expect(problemsOf({})).toEqual([expect.stringMatching(/^TIMECARD_MASTER_KEY is required/)]);
  });

  it("lists every problem at once", () => {
    const problems = problemsOf({
      PORT: "70000",
      DATABASE_URL: "mysql://x",
      TIMECARD_DATA_DIR: "/tmp/x",
      TIMECARD_MASTER_KEY: "short",
      LOG_LEVEL: "loud",
      TIMECARD_SANDBOX: "maybe",
    });
    expect(problems.map((p) => p.split(" ")[0])).toEqual([
      "TIMECARD_SANDBOX",
      "PORT",
      "DATABASE_URL",
      "set",
      "TIMECARD_MASTER_KEY",
      "LOG_LEVEL",
    ]);
  });

  it("never shows secrets when redacted", () => {
    const config = loadServerConfig({ DATABASE_URL: "postgres://tc:hunter2@db/tc", TIMECARD_MASTER_KEY: KEY_HEX });
    const text = JSON.stringify(redactConfig(config));
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain(KEY_HEX);
    expect(text).not.toContain(JSON.stringify([...config.masterKey]));
  });
});

describe("webhook configuration", () => {
  it("defaults to the Standard Webhooks schedule, a 10 s timeout, no allowlist and a running dispatcher", () => {
    expect(loadServerConfig({ TIMECARD_MASTER_KEY: KEY_HEX }).webhooks).toEqual({
      timeoutMs: 10_000,
      retryScheduleSeconds: [60, 300, 1500, 7200, 28800],
      allowlist: [],
      dispatcher: true,
      publicUrl: null,
    });
  });

  it("shortens the schedule and allows loopback in the sandbox", () => {
    const { webhooks } = loadServerConfig({ TIMECARD_SANDBOX: "true" });
    expect(webhooks.retryScheduleSeconds).toEqual([5, 15, 30, 60, 120]);
    expect(webhooks.allowlist).toEqual(["localhost", "127.0.0.0/8", "::1/128"]);
  });

  it("reads every setting, and an empty allowlist turns the sandbox's off", () => {
    const { webhooks } = loadServerConfig({
      TIMECARD_SANDBOX: "true",
      TIMECARD_WEBHOOK_TIMEOUT_MS: "2500",
      TIMECARD_WEBHOOK_RETRY_SCHEDULE: "1, 2,3",
      TIMECARD_WEBHOOK_ALLOWLIST: "",
      TIMECARD_WEBHOOK_DISPATCHER: "false",
      TIMECARD_PUBLIC_URL: "https://api.example.com/",
    });
    expect(webhooks).toEqual({
      timeoutMs: 2500,
      retryScheduleSeconds: [1, 2, 3],
      allowlist: [],
      dispatcher: false,
      publicUrl: "https://api.example.com",
    });
  });

  it("lists every malformed webhook setting", () => {
    expect(
      problemsOf({
        TIMECARD_MASTER_KEY: KEY_HEX,
        TIMECARD_WEBHOOK_TIMEOUT_MS: "10s",
        TIMECARD_WEBHOOK_RETRY_SCHEDULE: "60,5m",
        TIMECARD_WEBHOOK_ALLOWLIST: "localhost,10.0.0.0/8,[::1],10.0.0.0/abc",
        TIMECARD_WEBHOOK_DISPATCHER: "sometimes",
        TIMECARD_PUBLIC_URL: "api.example.com",
      }),
    ).toEqual([
      expect.stringMatching(/^TIMECARD_WEBHOOK_TIMEOUT_MS/),
      expect.stringMatching(/^TIMECARD_WEBHOOK_RETRY_SCHEDULE/),
      expect.stringMatching(/^TIMECARD_WEBHOOK_ALLOWLIST .*"10\.0\.0\.0\/abc"$/),
      expect.stringMatching(/^TIMECARD_WEBHOOK_DISPATCHER/),
      expect.stringMatching(/^TIMECARD_PUBLIC_URL/),
    ]);
  });
});
