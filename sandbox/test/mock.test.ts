import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../packages/server/test/support/ports.js";
import { loadSpec } from "../../scripts/spec-check.mjs";

const START = fileURLToPath(new URL("../start.mjs", import.meta.url));
const AUTH = { Authorization: "Bearer tc_test_mock" };
const spec = loadSpec();

let sandbox: ChildProcess;
let base: string;

// `pnpm sandbox --mock` as a user runs it, over real HTTP.
beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  sandbox = spawn(process.execPath, [START, "--mock", "--port", String(port)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  sandbox.stdout?.setEncoding("utf8");
  await new Promise<void>((resolve, reject) => {
    sandbox.stdout?.on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("ready at")) resolve();
    });
    sandbox.once("exit", (code) => reject(new Error(`sandbox exited with ${code}: ${out}`)));
  });
}, 90_000);

afterAll(async () => {
  if (sandbox.exitCode === null) {
    sandbox.kill("SIGTERM");
    await once(sandbox, "exit");
  }
});

describe("pnpm sandbox --mock", () => {
  it("answers a valid request with the spec's example", async () => {
    const res = await fetch(`${base}/v1/employees?limit=10`, { headers: AUTH });
    expect(res.status).toBe(200);
    const example = spec.paths["/v1/employees"].get.responses["200"].content["application/json"].example;
    expect(await res.json()).toEqual(example);
  });

  it("answers a create with its example", async () => {
    const res = await fetch(`${base}/v1/employees`, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json", "Idempotency-Key": "k-1" },
      body: JSON.stringify({ name: "Eva Svobodová", email: "eva.svobodova@example.cz" }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id: expect.stringMatching(/^emp_/) });
  });

  it.each([
    ["a missing required field", { name: "Eva" }],
    ["an unknown field", { name: "Eva", email: "eva@example.cz", nickname: "E" }],
    ["a wrong type", { name: "Eva", email: "eva@example.cz", weekly_hours_norm: "forty" }],
  ])("refuses %s with 422 problem+json", async (_, body) => {
    const res = await fetch(`${base}/v1/employees`, {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });

  it("refuses a malformed id with 422", async () => {
    const res = await fetch(`${base}/v1/employees/not-an-id`, { headers: AUTH });
    expect(res.status).toBe(422);
  });

  it("refuses a request without a credential with 401", async () => {
    const res = await fetch(`${base}/v1/employees`);
    expect(res.status).toBe(401);
  });
});
