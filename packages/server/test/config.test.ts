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
