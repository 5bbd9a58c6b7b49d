import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../packages/server/test/support/ports.js";
import { loadSpec } from "../../scripts/spec-check.mjs";

const START = fileURLToPath(new URL("../start.mjs", import.meta.url));
const spec = loadSpec();

interface PrintedKey {
  organizationId: string;
  role: string;
  scope: string;
  secret: string;
  name: string;
}

let sandbox: ChildProcess;
let base: string;
let direct: string;
let out = "";
const keys: PrintedKey[] = [];

/** The keys as the banner prints them: an organization line, then `role scope secret name` lines. */
function parseKeys(text: string): PrintedKey[] {
  const found: PrintedKey[] = [];
  let organizationId = "";
  for (const line of text.split("\n")) {
    const org = /\((org_[0-9A-Za-z]+), (PL|CZ)\)$/.exec(line);
    if (org?.[1]) organizationId = org[1];
    const key = /^\s+(admin|manager|employee)\s+(full|read)\s+(tc_test_[0-9A-Za-z]+)\s+(.+)$/.exec(line);
    const [, role = "", scope = "", secret = "", name = ""] = key ?? [];
    if (key) found.push({ organizationId, role, scope, secret, name: name.trim() });
  }
  return found;
}

async function send(url: string, key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    violations: res.headers.get("sl-violations"),
    // biome-ignore lint/suspicious/noExplicitAny: responses are read like JSON
    body: (text ? JSON.parse(text) : null) as any,
  };
}

// `pnpm sandbox` as a user runs it (once for the file): the server behind Prism's proxy.
beforeAll(async () => {
  const port = await freePort();
  const serverPort = await freePort();
  base = `http://127.0.0.1:${port}`;
  direct = `http://127.0.0.1:${serverPort}`;
  sandbox = spawn(process.execPath, [START, "--port", String(port), "--server-port", String(serverPort)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  sandbox.stdout?.setEncoding("utf8");
  await new Promise<void>((resolve, reject) => {
    sandbox.stdout?.on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("Press Ctrl+C to stop.")) resolve();
    });
    sandbox.once("exit", (code) => reject(new Error(`sandbox exited with ${code}: ${out}`)));
  });
  keys.push(...parseKeys(out));
}, 300_000);

afterAll(async () => {
  if (sandbox && sandbox.exitCode === null) {
    sandbox.kill("SIGTERM");
    await once(sandbox, "exit");
  }
});

describe("pnpm sandbox", () => {
  it("prints where it listens, how long it took, and a test key for every role and scope", () => {
    expect(out).toMatch(new RegExp(`Timecard sandbox ready at ${base} in \\d+\\.\\d s`));
    expect(out).toContain(direct);
    expect(keys).toHaveLength(12);
    const combos = new Set(keys.map((k) => `${k.organizationId} ${k.role} ${k.scope}`));
    expect(combos.size).toBe(12);
    expect(new Set(keys.map((k) => k.organizationId)).size).toBe(2);
    expect(keys[0]).toMatchObject({ organizationId: "org_2b7Yk9QmWx4pLs8N", role: "admin", name: "Anna Nowak" });
  });

  it("every printed key works through the validating proxy, as its role", async () => {
    for (const key of keys) {
      const res = await send(base, key.secret, "GET", "/v1/me");
      expect({ key: key.secret, status: res.status, violations: res.violations }).toEqual({
        key: key.secret,
        status: 200,
        violations: null,
      });
      expect(res.body.user).toMatchObject({ role: key.role, name: key.name });
      expect(res.body.organization.id).toBe(key.organizationId);
      expect(res.body.credential).toMatchObject({ scope: key.scope, mode: "test" });
    }
  });

  it("refuses a request that breaks the contract with 422 from Prism", async () => {
    const admin = keys[0]?.secret ?? "";
    const res = await send(base, admin, "POST", "/v1/employees", {
      name: "Eva",
      email: "eva@example.cz",
      nickname: "E",
    });
    expect(res.status).toBe(422);
    expect(res.type).toMatch(/^application\/problem\+json/);
    // It never reached the server: nobody named Eva was created.
    const list = await send(base, admin, "GET", "/v1/employees?limit=100");
    expect(list.body.data.map((e: { name: string }) => e.name)).not.toContain("Eva");
  });

  it("answers straight from the server on the second port, without Prism", async () => {
    const admin = keys[0]?.secret ?? "";
    const res = await send(direct, admin, "GET", "/v1/me");
    expect(res.status).toBe(200);
    expect(res.violations).toBeNull();
    expect(res.body.user.id).toBe("emp_4Fh8Jq2LmN6pRs3T");
    expect((await fetch(`${direct}/healthz`)).status).toBe(200);
  });

  it("serves the docs' examples", async () => {
    const admin = keys[0]?.secret ?? "";
    const res = await send(base, admin, "GET", "/v1/leave-requests/lv_2Lz4Xc6Vb8Nm0Qw1");
    expect(res.status).toBe(200);
    expect(res.violations).toBeNull();
    const example = spec.components.examples.LeaveRequestApproved.value;
    expect(res.body).toMatchObject({ id: example.id, status: "approved", days: 4, hours: 32, note: example.note });
  });

  it("triggers every event type with a response that satisfies the contract", async () => {
    const admin = keys[0]?.secret ?? "";
    for (const type of spec.components.schemas.EventType.enum as string[]) {
      const res = await send(base, admin, "POST", "/v1/sandbox/trigger", { type });
      expect({ type, status: res.status, violations: res.violations }).toEqual({ type, status: 201, violations: null });
      expect(res.body.event.type).toBe(type);
    }
  });

  it("reset restores the seed", async () => {
    const admin = keys[0]?.secret ?? "";
    const renamed = await send(base, admin, "PATCH", "/v1/organization", { name: "Renamed sp. z o.o." });
    expect(renamed.status).toBe(200);
    const project = await send(base, admin, "POST", "/v1/projects", { name: "Throwaway" });
    expect(project.status).toBe(201);

    const reset = await send(base, admin, "POST", "/v1/sandbox/reset");
    expect(reset.status).toBe(200);
    expect(reset.violations).toBeNull();
    expect(reset.body.seed).toBe("2026-10-01.1");

    const org = await send(base, admin, "GET", "/v1/organization");
    expect(org.body.name).toBe("Kowalski Software sp. z o.o.");
    expect((await send(base, admin, "GET", `/v1/projects/${project.body.id}`)).status).toBe(404);
    const projects = await send(base, admin, "GET", "/v1/projects?limit=100");
    expect(projects.body.data.map((p: { id: string }) => p.id)).toContain("prj_3Gh5Jk7Lz9Xc1Vb2");
    // The keys still work after the reset.
    expect((await send(base, admin, "GET", "/v1/me")).status).toBe(200);
  });

  it("stops cleanly on SIGTERM, Prism included", async () => {
    sandbox.kill("SIGTERM");
    const [code] = await once(sandbox, "exit");
    expect(code).toBe(0);
    await expect(fetch(`${base}/v1/me`)).rejects.toThrow();
    await expect(fetch(`${direct}/healthz`)).rejects.toThrow();
  });
});
