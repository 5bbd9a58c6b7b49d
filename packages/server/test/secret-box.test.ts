import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { open, seal } from "../src/crypto/secret-box.js";
import { call, createWorld, useTestServer } from "./support/harness.js";

describe("secret box", () => {
  const key = randomBytes(32);

  it("round-trips and never repeats a ciphertext", () => {
    const a = seal(key, "whsec_abc");
    expect(open(key, a)).toBe("whsec_abc");
    expect(seal(key, "whsec_abc")).not.toBe(a);
    expect(a).not.toContain("whsec_abc");
  });

  it("refuses another key and any altered byte", () => {
    const sealed = seal(key, "secret");
    expect(() => open(randomBytes(32), sealed)).toThrow();
    const bytes = Buffer.from(sealed, "base64url");
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() => open(key, bytes.toString("base64url"))).toThrow();
  });
});

describe("idempotent responses at rest", () => {
  const server = useTestServer();

  it("keep a created key's secret encrypted, and replay it intact", async () => {
    const world = await createWorld(server);
    const headers = { "idempotency-key": "create-ci-key" };
    const first = await call(server, world.admin.key, "POST", "/v1/api-keys", { name: "CI" }, headers);
    expect(first.status).toBe(201);
    const stored = await server.storage.db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("key", "=", "create-ci-key")
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.response_body).not.toContain(first.body.secret.slice(8));
    const replay = await call(server, world.admin.key, "POST", "/v1/api-keys", { name: "CI" }, headers);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(replay.body).toEqual(first.body);
  });
});
