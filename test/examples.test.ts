import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportMonth, hoursPerProject } from "../examples/custom-payroll-format.js";
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

describe("examples/custom-payroll-format.ts", () => {
  it("writes, through the public engine and a formatter of its own, the hours of the server's own export", async () => {
    const month = "2026-10";
    const mine = new TextDecoder("windows-1250").decode(
      await exportMonth({ baseUrl: server.url, apiKey: adminKey, month, formatter: hoursPerProject }),
    );
    // The server's custom CSV, cut the same way: employee × project over the month, approved work only.
    const headers = { authorization: `Bearer ${adminKey}`, "content-type": "application/json" };
    const created = await fetch(`${server.url}/v1/exports`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        format: "custom-csv",
        month,
        options: {
          columns: ["payroll_number", "project_id", "worked_hours", "overtime_hours", "night_hours"],
          rows: "employee_month",
          decimal_separator: ",",
          encoding: "windows-1250",
        },
      }),
    });
    expect(created.status).toBe(202);
    let exp = (await created.json()) as { id: string; status: string; file: { download_url: string } | null };
    const deadline = Date.now() + 30_000;
    while (exp.status !== "completed" && exp.status !== "failed" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      exp = (await (await fetch(`${server.url}/v1/exports/${exp.id}`, { headers })).json()) as typeof exp;
    }
    expect(exp.status).toBe("completed");
    const file = await fetch(`${server.url}${exp.file?.download_url}`, { headers });
    const theirs = new TextDecoder("windows-1250").decode(await file.arrayBuffer());

    const rows = (csv: string) =>
      csv
        .replace(/^\uFEFF/, "")
        .split("\r\n")
        .slice(1)
        .filter(Boolean)
        .map((line) => line.split(";"))
        .map(([payroll, project, ...hours]) => [
          payroll,
          project === "" ? "none" : project,
          ...hours.map((h) => Number(h?.replace(",", "."))),
        ])
        // The server's file also has rows for leave alone (no project, no hours worked).
        .filter((row) => row.slice(2).some((h) => h !== 0))
        .map((row) => row.join(";"))
        .sort();
    expect(rows(mine).length).toBeGreaterThan(3);
    expect(rows(mine)).toEqual(rows(theirs));
  });
});
