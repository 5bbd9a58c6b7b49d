import { createHash } from "node:crypto";
import { builtInFormatters } from "@timecard/payroll";
import { beforeAll, describe, expect, it } from "vitest";
import { createExportWorker } from "../src/domain/exports/worker.js";
import { OPENAPI_DOCUMENT } from "../src/spec.js";
import { call, createWorld, useTestServer, type World } from "./support/harness.js";
import { eventsOf, insertSession } from "./support/rows.js";
import { expectSchema } from "./support/schema.js";
import { deref, expectFieldError, expectProblem, type Schema } from "./support/spec-walk.js";

// The worker does not run on its own in an app made by createApp: each test runs it by hand
// (`runDue`) and sees every state on the way. The database is this file's own: no other file's
// worker (on a shared PostgreSQL) claims these exports.
const server = useTestServer({}, { ownDatabase: true });

const H = 3600;
const registered = new Set(builtInFormatters.map((f) => f.id));
const has = (id: string) => registered.has(id);

/**
 * November 2026 (Warsaw, UTC+1) for `employee`, all approved: Mon 2 Nov 08–16 (8 h), Thu 5 Nov
 * 20:00 – Fri 6 Nov 04:00 (8 h, 6 h of night), Sat 7 Nov 09–13 (4 h overtime), Wed 11 Nov
 * 10–14 (Independence Day: 4 h overtime, holiday). The colleague's one session is pending: the
 * hours report counts it, exports do not.
 */
async function seedMonth(world: World) {
  const approved = (start: string, end: string) =>
    insertSession(server, world, { employeeId: world.employee.id, projectId: null, start, end, approval: "approved" });
  await approved("2026-11-02T07:00:00Z", "2026-11-02T15:00:00Z");
  await approved("2026-11-05T19:00:00Z", "2026-11-06T03:00:00Z");
  await approved("2026-11-07T08:00:00Z", "2026-11-07T12:00:00Z");
  await approved("2026-11-11T09:00:00Z", "2026-11-11T13:00:00Z");
  await insertSession(server, world, {
    employeeId: world.colleague.id,
    projectId: null,
    start: "2026-11-03T07:00:00Z",
    end: "2026-11-03T15:00:00Z",
  });
}

async function create(world: World, body: Record<string, unknown>, key = world.admin.key) {
  return call(server, key, "POST", "/v1/exports", body);
}

async function exportRow(id: string) {
  return server.storage.db.selectFrom("exports").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter(Boolean);
  const names = (header ?? "").split(";");
  return lines.map((line) => Object.fromEntries(line.split(";").map((cell, i) => [names[i] ?? String(i), cell])));
}

let world: World;

beforeAll(async () => {
  server.clock.set("2026-12-05T10:00:00Z");
  world = await createWorld(server);
  await seedMonth(world);
}, 60_000);

describe("GET /v1/export-formats", () => {
  it("lists every registered format sorted by id, as the spec describes each", async () => {
    const res = await call(server, world.admin.key, "GET", "/v1/export-formats?limit=100");
    expect(res.status).toBe(200);
    expectSchema("ExportFormatList", res.body);
    const ids = res.body.data.map((f: { id: string }) => f.id);
    expect(ids).toEqual([...registered].sort());
    expect(res.body.has_more).toBe(false);
    // Every format is listed exactly as the spec's example shows it (notes included).
    const spec = OPENAPI_DOCUMENT as Schema;
    const example = deref(spec.paths["/v1/export-formats"].get.responses["200"]).content["application/json"].example
      .data as { id: string }[];
    expect(res.body.data).toEqual(example);
  });

  it("filters by country and pages with the cursor", async () => {
    const cz = await call(server, world.manager.key, "GET", "/v1/export-formats?country=CZ&limit=100");
    expect(cz.status).toBe(200);
    expect(cz.body.data.every((f: { countries: string[] }) => f.countries.includes("CZ"))).toBe(true);
    expect(cz.body.data.length).toBe(builtInFormatters.filter((f) => f.countries.includes("CZ")).length);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; next_cursor: string | null } } = await call(
        server,
        world.admin.key,
        "GET",
        `/v1/export-formats?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((f) => f.id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...registered].sort());
    expectProblem(await call(server, world.employee.key, "GET", "/v1/export-formats"), 403, "forbidden");
  });
});

describe.runIf(has("custom-csv"))("an export from request to file", () => {
  const options = {
    columns: [
      "employee_id",
      "worked_hours",
      "regular_hours",
      "overtime_hours",
      "night_hours",
      "sunday_holiday_hours",
      "leave_days",
    ],
    rows: "employee_month",
    delimiter: ";",
    decimal_separator: ".",
  };

  it("is queued (202, Location), generated by the worker, downloaded unchanged, with the report's hours", async () => {
    const res = await create(world, { format: "custom-csv", month: "2026-11", options });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expectSchema("Export", res.body);
    expect(res.headers.location).toBe(`/v1/exports/${res.body.id}`);
    expect(res.body).toMatchObject({
      format: "custom-csv",
      month: "2026-11",
      employee_ids: null,
      status: "queued",
      progress: 0,
      file: null,
      error: null,
      created_by: world.admin.id,
      completed_at: null,
    });
    expect(res.body.options).toMatchObject(options);
    const early = await call(server, world.manager.key, "GET", `/v1/exports/${res.body.id}/file`);
    expectProblem(early, 409, "invalid_state");

    expect(await server.app.exports.runDue()).toBe(1);
    const done = await call(server, world.manager.key, "GET", `/v1/exports/${res.body.id}`);
    expect(done.status).toBe(200);
    expectSchema("Export", done.body);
    expect(done.body).toMatchObject({ status: "completed", progress: 100, error: null });
    expect(done.body.file).toMatchObject({
      filename: "timecard-2026-11-custom-csv.csv",
      media_type: "text/csv",
      download_url: `/v1/exports/${res.body.id}/file`,
    });

    const file = await call(server, world.manager.key, "GET", done.body.file.download_url);
    expect(file.status).toBe(200);
    const bytes = file.raw.rawPayload;
    expect(bytes.length).toBe(done.body.file.size_bytes);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(done.body.file.sha256);
    expect(file.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(file.headers["content-disposition"]).toBe('attachment; filename="timecard-2026-11-custom-csv.csv"');

    // The file's hours are the hours report's for the same employee and month, to the second.
    const rows = parseCsv(bytes.toString("utf8"));
    expect(rows.map((r) => r.employee_id)).toEqual([world.employee.id]);
    const report = await call(
      server,
      world.admin.key,
      "GET",
      "/v1/reports/hours?from=2026-11-01&to=2026-11-30&group_by=employee",
    );
    const reported = report.body.rows.find((r: { key: string }) => r.key === world.employee.id);
    const row = rows[0] as Record<string, string>;
    const seconds = (column: string) => Math.round(Number(row[column]) * H);
    expect({
      worked: seconds("worked_hours"),
      regular: seconds("regular_hours"),
      overtime: seconds("overtime_hours"),
      night: seconds("night_hours"),
      sundayHoliday: seconds("sunday_holiday_hours"),
    }).toEqual({
      worked: reported.worked_seconds,
      regular: reported.regular_seconds,
      overtime: reported.overtime_seconds,
      night: reported.night_seconds,
      sundayHoliday: reported.sunday_holiday_seconds,
    });
    // By hand: 8 + 8 + 4 + 4 = 24 h; regular 16 h; overtime 8 h; night 6 h; holiday 4 h.
    expect(reported).toMatchObject({
      worked_seconds: 24 * H,
      regular_seconds: 16 * H,
      overtime_seconds: 8 * H,
      night_seconds: 6 * H,
      sunday_holiday_seconds: 4 * H,
    });
    // The colleague's pending session is in the report, not in the export.
    expect(report.body.rows.map((r: { key: string }) => r.key)).toContain(world.colleague.id);

    const completed = (await eventsOf(server, world)).filter((e) => e.type === "export.completed");
    expect(completed.map((e) => e.data)).toEqual([done.body]);
  });

  it("refuses a second export of the same format and month while one is queued (409), not after", async () => {
    const first = await create(world, { format: "custom-csv", month: "2026-10" });
    expect(first.status).toBe(202);
    expectProblem(await create(world, { format: "custom-csv", month: "2026-10" }), 409, "conflict");
    // Another month or another format is fine meanwhile.
    expect((await create(world, { format: "custom-csv", month: "2026-09" })).status).toBe(202);
    await server.app.exports.runDue();
    expect((await exportRow(first.body.id)).status).toBe("completed");
    expect((await create(world, { format: "custom-csv", month: "2026-10" })).status).toBe(202);
    await server.app.exports.runDue();
  });

  it("re-runs an export whose worker crashed, once its lease has run out", async () => {
    const res = await create(world, { format: "custom-csv", month: "2026-08" });
    expect(res.status).toBe(202);
    // A worker claimed it and died: it is running, leased for another minute.
    const until = new Date(server.clock.now.getTime() + 60_000);
    await server.storage.db
      .updateTable("exports")
      .set({ status: "running", lease_owner: "xpw_dead", lease_until: until, attempts: 1, progress: 40 })
      .where("id", "=", res.body.id)
      .execute();
    expect(await server.app.exports.runDue()).toBe(0);
    expect((await exportRow(res.body.id)).status).toBe("running");
    expectProblem(await create(world, { format: "custom-csv", month: "2026-08" }), 409, "conflict");
    server.clock.advance(61_000);
    expect(await server.app.exports.runDue()).toBe(1);
    const row = await exportRow(res.body.id);
    expect(row).toMatchObject({ status: "completed", attempts: 2, progress: 100, lease_owner: null });
    expect(await server.app.exports.runExport(row.id)).toBe(false);
    const files = await server.storage.db
      .selectFrom("export_files")
      .select("export_id")
      .where("export_id", "=", row.id)
      .execute();
    expect(files).toHaveLength(1);
  });

  it("two workers share the queue: each export is generated once", async () => {
    const ids: string[] = [];
    for (const month of ["2026-01", "2026-02", "2026-03", "2026-04"]) {
      const res = await create(world, { format: "custom-csv", month });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    const other = createExportWorker({ storage: server.storage, now: () => server.clock.now, log: server.app.log });
    const counts = await Promise.all([server.app.exports.runDue(), other.runDue()]);
    expect(counts[0] + counts[1]).toBe(4);
    const rows = await server.storage.db.selectFrom("exports").selectAll().where("id", "in", ids).execute();
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(ids.map(() => ["completed", 1]));
    const completed = (await eventsOf(server, world)).filter(
      (e) => e.type === "export.completed" && ids.includes(String(e.data.id)),
    );
    expect(completed).toHaveLength(4);
  });

  it("a started worker is woken by a new export (NOTIFY) and generates it in the background", async () => {
    await server.app.exports.start();
    try {
      const res = await create(world, { format: "custom-csv", month: "2026-05" });
      expect(res.status).toBe(202);
      const deadline = Date.now() + 20_000;
      let status = (await exportRow(res.body.id)).status;
      while (status !== "completed" && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = (await exportRow(res.body.id)).status;
      }
      expect(status).toBe("completed");
    } finally {
      await server.app.exports.stop();
    }
  });

  it("fails an export that was claimed too often without finishing (internal_error)", async () => {
    const res = await create(world, { format: "custom-csv", month: "2026-07" });
    await server.storage.db
      .updateTable("exports")
      .set({ status: "running", lease_owner: "xpw_dead", lease_until: server.clock.now, attempts: 3 })
      .where("id", "=", res.body.id)
      .execute();
    await server.app.exports.runDue();
    const done = await call(server, world.admin.key, "GET", `/v1/exports/${res.body.id}`);
    expect(done.body).toMatchObject({
      status: "failed",
      file: null,
      error: { code: "internal_error", employee_ids: [] },
    });
    expectProblem(await call(server, world.admin.key, "GET", `/v1/exports/${res.body.id}/file`), 409, "invalid_state");
  });
});

describe.runIf(has("symfonia-rcp"))("identifiers a format requires", () => {
  it("fails with missing_identifiers naming the employees to fix, and emits export.failed", async () => {
    const own = await createWorld(server);
    await insertSession(server, own, {
      employeeId: own.employee.id,
      projectId: null,
      start: "2026-11-02T07:00:00Z",
      end: "2026-11-02T15:00:00Z",
      approval: "approved",
    });
    const res = await create(own, { format: "symfonia-rcp", month: "2026-11" });
    expect(res.status).toBe(202);
    await server.app.exports.runDue();
    const failed = await call(server, own.admin.key, "GET", `/v1/exports/${res.body.id}`);
    expectSchema("Export", failed.body);
    expect(failed.body).toMatchObject({
      status: "failed",
      file: null,
      error: { code: "missing_identifiers", employee_ids: [own.employee.id] },
    });
    expect(failed.body.error.message).toMatch(/clock card number/);
    expect(failed.body.completed_at).not.toBeNull();
    const events = (await eventsOf(server, own)).filter((e) => e.type.startsWith("export."));
    expect(events.map((e) => [e.type, e.data])).toEqual([["export.failed", failed.body]]);
    expectProblem(await call(server, own.admin.key, "GET", `/v1/exports/${res.body.id}/file`), 409, "invalid_state");

    // Too long for Symfonia (10 digits at most): invalid_identifiers.
    await server.storage.db
      .updateTable("employees")
      .set({ clock_card_number: "123456789012" })
      .where("id", "=", own.employee.id)
      .execute();
    const invalid = await create(own, { format: "symfonia-rcp", month: "2026-11" });
    await server.app.exports.runDue();
    expect((await call(server, own.admin.key, "GET", `/v1/exports/${invalid.body.id}`)).body.error).toMatchObject({
      code: "invalid_identifiers",
      employee_ids: [own.employee.id],
    });

    // Fixed: the file is written, in the format's encoding.
    await call(server, own.admin.key, "PATCH", `/v1/employees/${own.employee.id}`, { clock_card_number: "42" });
    const fixed = await create(own, { format: "symfonia-rcp", month: "2026-11" });
    await server.app.exports.runDue();
    const file = await call(server, own.admin.key, "GET", `/v1/exports/${fixed.body.id}/file`);
    expect(file.status).toBe(200);
    expect(file.headers["content-type"]).toBe("text/plain; charset=us-ascii");
    expect(file.raw.rawPayload.length).toBeGreaterThan(0);
  });
});

describe("what createExport refuses", () => {
  it("a future month, an employee of no one here, an option the format does not take: 422", async () => {
    const format = [...registered].sort()[0] ?? "custom-csv";
    expectFieldError(await create(world, { format, month: "2027-01" }), "body.month");
    expectFieldError(
      await create(world, { format, month: "2026-11", employee_ids: ["emp_0000000000000000"] }),
      "body.employee_ids",
    );
    expectFieldError(await create(world, { format: "no-such-format", month: "2026-11" }), "body.format");
    if (has("symfonia-rcp")) {
      expectFieldError(
        await create(world, { format: "symfonia-rcp", month: "2026-11", options: { encoding: "utf-8" } }),
        "body.options.encoding",
      );
    }
    expect(await server.storage.db.selectFrom("exports").select("id").where("month", "=", "2027-01").execute()).toEqual(
      [],
    );
  });

  it("admins create; managers read; employees neither", async () => {
    const format = [...registered].sort()[0] ?? "custom-csv";
    expectProblem(await create(world, { format, month: "2026-06" }, world.manager.key), 403, "forbidden");
    expectProblem(await create(world, { format, month: "2026-06" }, world.admin.readKey), 403, "insufficient_scope");
    expect((await call(server, world.manager.key, "GET", "/v1/exports")).status).toBe(200);
    expectProblem(await call(server, world.employee.key, "GET", "/v1/exports"), 403, "forbidden");
  });

  it("lists newest first with filters", async () => {
    const list = await call(server, world.admin.key, "GET", "/v1/exports?limit=100");
    expect(list.status).toBe(200);
    expectSchema("ExportList", list.body);
    const created = list.body.data.map((e: { created_at: string; id: string }) => `${e.created_at}|${e.id}`);
    expect(created).toEqual([...created].sort().reverse());
    const completed = await call(server, world.admin.key, "GET", "/v1/exports?status=completed&month=2026-11");
    expect(
      completed.body.data.every(
        (e: { status: string; month: string }) => e.status === "completed" && e.month === "2026-11",
      ),
    ).toBe(true);
  });
});
